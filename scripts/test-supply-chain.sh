#!/usr/bin/env bash
# Supply-chain checks for `npm test` (policy: SECURITY.md, "Dependencies"):
#  1. cargo-deny (deny.toml): licenses, banned crates and sources must pass; advisories run
#     when the RustSec database can be fetched (it lives on github.com), and are reported as
#     NOT CHECKED, never as passed, when it cannot.
#  2. the shipped npm package: no dependencies and no install scripts in the packed
#     package.json, nothing but the package in the consumer's lockfile, then
#     `npm audit --omit=dev` there when the registry's audit endpoint answers (reported as
#     NOT CHECKED when it does not).
# Installs cargo-deny when missing (a source build: about 4-8 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

failed=0
not_checked=()
ok() { printf '  ok       %s\n' "$*"; }
bad() { printf '  FAILED   %s\n' "$*"; failed=1; }
skipped() { printf '  NOT CHECKED  %s\n' "$*"; not_checked+=("$1"); }

echo "== cargo-deny (deny.toml)"
if ! command -v cargo-deny >/dev/null 2>&1; then
  echo "   installing cargo-deny (builds from source, a few minutes)"
  started=$(date +%s)
  cargo install cargo-deny --version 0.20.2 --locked --quiet
  echo "   installed in $(($(date +%s) - started)) s"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if cargo deny --log-level error check licenses bans sources >"$log" 2>&1; then
  ok "licenses, bans, sources: $(tail -1 "$log")"
else
  cat "$log"
  bad "cargo deny check licenses bans sources"
fi
if cargo deny --log-level error check advisories >"$log" 2>&1; then
  ok "advisories: no known vulnerability, unmaintained or yanked crate"
elif grep -q "failed to fetch advisory database" "$log"; then
  skipped "advisories" "(the RustSec database on github.com is unreachable from this machine)"
else
  cat "$log"
  bad "cargo deny check advisories"
fi

echo "== npm package (the packed tarball as installed in .scratch/consumer)"
consumer=.scratch/consumer
installed=$consumer/node_modules/ankorstore-client/package.json
if [ ! -f "$installed" ]; then
  bad "the packed package is not installed: run node scripts/pack.mjs first (npm test does)"
else
  # What npm would install or run along with the package.
  if node -e '
    const pkg = require(process.argv[1]);
    const deps = ["dependencies", "optionalDependencies", "peerDependencies", "bundleDependencies", "bundledDependencies"]
      .flatMap((k) => Object.keys(pkg[k] ?? {}).map((d) => `${k}: ${d}`));
    const hooks = ["preinstall", "install", "postinstall", "prepare"].filter((s) => pkg.scripts?.[s]);
    if (deps.length || hooks.length) { console.error([...deps, ...hooks.map((h) => `script: ${h}`)].join("\n")); process.exit(1); }
  ' "$PWD/$installed"; then
    ok "package.json: no dependencies, no install scripts"
  else
    bad "package.json declares dependencies or install scripts (above)"
  fi
  if node -e '
    const lock = require(process.argv[1]);
    const others = Object.keys(lock.packages ?? {}).filter((p) => p !== "" && p !== "node_modules/ankorstore-client");
    if (others.length) { console.error(others.join("\n")); process.exit(1); }
  ' "$PWD/$consumer/package-lock.json"; then
    ok "installing the tarball brings in no other package"
  else
    bad "installing the tarball brings in other packages (above)"
  fi
  audit_json=$(cd "$consumer" && npm audit --omit=dev --json 2>/dev/null || true)
  verdict=$(node -e '
    let r; try { r = JSON.parse(process.argv[1]); } catch { console.log("unreadable"); process.exit(); }
    const v = r?.metadata?.vulnerabilities;
    if (v) console.log(v.total === 0 ? "clean" : `vulnerable ${JSON.stringify(v)}`);
    else console.log(`unreachable ${String(r?.message ?? r?.error?.summary ?? "no answer").slice(0, 120)}`);
  ' "$audit_json")
  case "$verdict" in
    clean) ok "npm audit --omit=dev: 0 vulnerabilities" ;;
    vulnerable*) (cd "$consumer" && npm audit --omit=dev || true); bad "npm audit --omit=dev: ${verdict#vulnerable }" ;;
    *) skipped "npm audit" "(the registry's audit endpoint did not answer: ${verdict#unreachable })" ;;
  esac
fi

if [ ${#not_checked[@]} -gt 0 ]; then
  (IFS=","; echo "supply chain: NOT CHECKED on this machine: ${not_checked[*]} (no access to the advisory databases)")
fi
if [ "$failed" -ne 0 ]; then
  echo "supply chain: FAILED"
  exit 1
fi
echo "supply chain: passed$([ ${#not_checked[@]} -gt 0 ] && echo " (except what is NOT CHECKED above)")"
