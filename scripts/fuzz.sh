#!/usr/bin/env bash
# Coverage-guided fuzzing of the crate's parsers (fuzz/, cargo-fuzz + libFuzzer) on the
# stable toolchain. Runs every target (or those named) for a bounded time, replays the saved
# regression inputs first, and prints the executions per target. Exits non-zero on a crash,
# with the input saved under fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]      (default 60 s, every target)
#
# Environment: FUZZ_SANITIZER=address|none (default address: its memcmp hooks let libFuzzer
# solve string comparisons; `none` builds faster and runs several times more executions a
# second), FUZZ_JOBS (targets run at once, default: number of cores), FUZZ_ARGS (extra
# libFuzzer flags, e.g. "-fork=1 -ignore_crashes=1" to collect every crash of a long run).
# The corpus grows in fuzz/corpus/<target>/ between runs (seeds: fuzz/seeds/<target>/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

seconds=${1:-60}
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi
sanitizer=${FUZZ_SANITIZER:-address}
jobs=${FUZZ_JOBS:-$(nproc)}
extra_args=${FUZZ_ARGS:-}

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "== installing cargo-fuzz (about a minute)"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi

all_targets=$(awk '/^\[\[bin\]\]/ { bin = 1 } bin && /^name = / { gsub(/name = |"/, ""); print; bin = 0 }' fuzz/Cargo.toml)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets <<<"$all_targets"
fi
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$all_targets" || { echo "unknown fuzz target: $t" >&2; exit 2; }
done

# A sanitizer needs -Z flags: RUSTC_BOOTSTRAP lets the stable compiler accept them. Each
# sanitizer has its own target dir, so that switching does not rebuild the other.
target_dir="$PWD/fuzz/target/$sanitizer"
bin_dir="$target_dir/x86_64-unknown-linux-gnu/release"
build_started=$(date +%s)
echo "== building fuzz targets, sanitizer: $sanitizer (cached in fuzz/target/$sanitizer)"
mkdir -p fuzz/target
build_log="fuzz/target/build-$sanitizer.log"
one=()
[ ${#targets[@]} -eq 1 ] && one=("${targets[0]}") # otherwise every target is built
if ! RUSTC_BOOTSTRAP=1 cargo fuzz build -O --sanitizer "$sanitizer" --target-dir "$target_dir" \
  "${one[@]}" >"$build_log" 2>&1; then
  cat "$build_log" >&2
  echo "fuzz build failed" >&2
  exit 1
fi
for t in "${targets[@]}"; do
  [ -x "$bin_dir/$t" ] || { echo "fuzz build failed: no $bin_dir/$t" >&2; exit 1; }
done
echo "   build: $(($(date +%s) - build_started)) s"

logs=fuzz/target/logs
mkdir -p "$logs"

# Runs one target: its saved regression inputs once, then fuzzing for $seconds (even after
# a failing regression, so that one known bug does not hide others). Writes its log.
run_target() {
  local t=$1 bin="$bin_dir/$1" log="$logs/$1.log" failed=0
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  : >"$log"
  if compgen -G "fuzz/regressions/$t/*" >/dev/null; then
    if ! "$bin" -runs=1 fuzz/regressions/"$t"/* >>"$log" 2>&1; then
      echo "REGRESSION: a saved input of fuzz/regressions/$t/ fails (above)" >>"$log"
      failed=1
    fi
  fi
  local dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=("-dict=fuzz/dict/$t.dict")
  # shellcheck disable=SC2086
  "$bin" "fuzz/corpus/$t" "fuzz/seeds/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" $extra_args >>"$log" 2>&1 || failed=1
  return "$failed"
}

started=$(date +%s)
declare -A pids=()
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
  pids[$t]=$!
done
declare -A status=()
for t in "${targets[@]}"; do
  if wait "${pids[$t]}"; then status[$t]=ok; else status[$t]=CRASH; fi
done

failed=0
printf '\n%-16s %12s %10s %8s %8s  %s\n' target executions exec/s cov corpus result
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  execs=$( (sed -n 's/^stat::number_of_executed_units: *//p' "$log" || true) | tail -1)
  rate=$( (sed -n 's/^stat::average_exec_per_sec: *//p' "$log" || true) | tail -1)
  cov=$( (grep -Eo 'cov: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  if [ -z "$execs" ]; then # fork mode prints no final stats: use its last progress line
    execs=$( (grep -Eo '^#[0-9]+' "$log" || true) | tail -1 | tr -d '#')
    [ -n "$execs" ] && rate=$((execs / seconds))
  fi
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  printf '%-16s %12s %10s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus" "${status[$t]}"
  [ "${status[$t]}" = ok ] || failed=1
done
for t in "${targets[@]}"; do
  [ "${status[$t]}" = ok ] && continue
  echo "---- $t ($logs/$t.log):" >&2
  (grep -E -A1 'panicked at|REGRESSION|Test unit written|^Base64|^Running: ' "$logs/$t.log" || tail -30 "$logs/$t.log") | head -24 >&2
done
echo "fuzzing: ${#targets[@]} target(s) x ${seconds} s in $(($(date +%s) - started)) s (jobs: $jobs)"
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found a crash: see fuzz/README.md (the input is in fuzz/artifacts/<target>/)" >&2
  exit 1
fi
