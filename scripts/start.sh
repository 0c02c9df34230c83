#!/usr/bin/env bash
# `npm start`: the demo page. Installs what is missing (scripts/setup.sh), builds pkg/ when it
# is missing or older than its sources, then runs the local demo server (server/demo-server.mjs),
# which prints its URL and the built-in mock's demo credentials.
#   PORT=9000 npm start                     another port (0 picks a free one)
#   ANKORSTORE_ENV=sandbox ANKORSTORE_CLIENT_ID=… npm start
#                                           open the page on Sandbox with the client id filled in
#                                           (the secret is typed in the page, never passed here)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/setup.sh

# The sources pkg/ is built from; pkg/package.json is written last by the build.
needs_build() {
  local f
  for f in pkg/package.json pkg/browser.mjs pkg/node.mjs pkg/ankorstore_client_bg.wasm; do
    [ -f "$f" ] || return 0
  done
  [ -n "$(find src js stores openapi/ankorstore.json Cargo.toml Cargo.lock scripts/build.mjs scripts/openapi-types.mjs -newer pkg/package.json -print -quit 2>/dev/null)" ]
}

if needs_build; then
  printf '\n== start: building pkg/ (missing or older than src/)\n'
  node scripts/build.mjs
else
  printf '\n== start: pkg/ is up to date\n'
fi

# A first proof in the terminal: the package, in Node, authenticates against the built-in
# mock and prints the /me user. Then the demo page shows the same in a browser.
printf '\n== start: the package in Node against the built-in mock\n'
node examples/node/esm.mjs

printf '\n== start: the demo page\n'
exec node server/demo-server.mjs "$@"
