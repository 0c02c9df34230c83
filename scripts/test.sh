#!/usr/bin/env bash
# `npm test`: every check of the project, from a fresh machine. Installs what it needs
# (scripts/setup.sh), lints, runs the native Rust tests, builds and packs the package, then
# runs the JavaScript suites against the packed tarball in each runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$(date +%s)

section "setup"
bash scripts/setup.sh --browsers --redis

section "cargo fmt --check"
cargo fmt --check
section "cargo clippy (native and wasm32)"
cargo clippy --all-targets -- -D warnings
cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

section "cargo test (native core)"
cargo test

section "build and pack pkg/"
node scripts/build.mjs
node scripts/pack.mjs

# Extra suites register themselves as scripts/test-*.sh (fuzz smoke, wasm-pack tests…).
for suite in scripts/test-*.sh; do
  [ -e "$suite" ] || continue
  section "$suite"
  bash "$suite"
done

section "JavaScript suites (node:test) on the packed package"
shopt -s nullglob
files=(tests/js/*.test.mjs tests/runtimes/*.test.mjs tests/demo/*.test.mjs tests/reliability/*.test.mjs tests/bench/*.test.mjs tests/stores/*.test.mjs)
node --test --test-concurrency=1 "${files[@]}"

section "done in $(( $(date +%s) - started )) s"
