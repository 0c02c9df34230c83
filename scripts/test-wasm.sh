#!/usr/bin/env bash
# The wasm-bindgen layer tested from inside wasm (tests/wasm_layer.rs), in Node and in
# headless Chrome: `bash scripts/test-wasm.sh`. Both runs fail on a failing assertion, and on
# a run that silently tests nothing (wasm-bindgen-test-runner skips, exit 0, a suite whose
# mode does not match). Nothing is downloaded: wasm-bindgen-test-runner comes with the
# wasm-bindgen on PATH (setup.sh), chromedriver from $CHROMEDRIVER, and when the kernel
# allows it the runs happen in a network namespace that only has loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CARGO_NET_OFFLINE=true

offline=()
if unshare -rn sh -c 'ip link set lo up' 2>/dev/null; then
  offline=(unshare -rn sh -c 'ip link set lo up && exec "$@"' sh)
else
  echo "test-wasm: no network namespace available, running with the network reachable"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs one wasm-pack test and checks that tests really ran and passed.
run() {
  local name=$1
  shift
  echo "-- wasm_layer in $name"
  if ! "${offline[@]}" env "$@" 2>&1 | tee "$log"; then
    echo "test-wasm: $name run failed" >&2
    return 1
  fi
  if ! grep -Eq '^running [1-9][0-9]* tests?$' "$log" || ! grep -q '^test result: ok\.' "$log"; then
    echo "test-wasm: the $name run did not run the tests (see above)" >&2
    return 1
  fi
}

run node wasm-pack test --node -- --test wasm_layer
# Without a run_in_browser configuration the suite is a Node one, which --chrome would skip;
# WASM_BINDGEN_USE_BROWSER makes the same suite run in the browser.
run chrome WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome -- --test wasm_layer
