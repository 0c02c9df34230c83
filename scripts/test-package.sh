#!/usr/bin/env bash
# The package as npm would publish it (run by `npm test` after packing; alone:
# `node scripts/pack.mjs && bash scripts/test-package.sh`): the manifest and file list,
# publint, are-the-types-wrong, `npm publish --dry-run`, CommonJS use of the stores with Redis,
# `sideEffects: false` under esbuild and Vite, the release script and the API reference.
set -euo pipefail
cd "$(dirname "$0")/.."
node --test --test-concurrency=1 tests/package/*.test.mjs
