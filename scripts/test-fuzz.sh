#!/usr/bin/env bash
# Fuzz smoke for `npm test`: replays fuzz/regressions/ and fuzzes every parser target for a
# few seconds (scripts/fuzz.sh); fails on any crash. Longer runs: see fuzz/README.md.
#
# Built without a sanitizer: the crate is safe Rust, so AddressSanitizer finds nothing more
# here, and the build is about twice as fast (the cache stays in fuzz/target/none).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
started=$(date +%s)
rc=0
FUZZ_SANITIZER=${FUZZ_SANITIZER:-none} bash scripts/fuzz.sh "${FUZZ_SMOKE_SECONDS:-10}" || rc=$?
echo "fuzz smoke: $(($(date +%s) - started)) s, build included"
exit "$rc"
