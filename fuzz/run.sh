#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) under libFuzzer for SECONDS each and prints one line per
# target: "<target>: N execs, C crashes". Exits non-zero when any target crashed, hung, ran out of
# memory or did not run. Used by `make fuzz`; see docs/fuzzing.md.
#
#   fuzz/run.sh SECONDS [target...]      explore: random seed, the corpus grows across runs
#   fuzz/run.sh --fixed [target...]      the fixed run `make test` does: seed 1, deterministic Swift
#                                        hashing, a set number of inputs per target, fresh corpus; the
#                                        same inputs every time on every machine, so a red `make test`
#                                        is reproducible and never a new finding by chance
#
# New inputs libFuzzer finds go to .build-fuzz/corpus/<target> (never committed; --fixed uses a fresh
# .build-fuzz/fixed-corpus each run); crash inputs to .build-fuzz/artifacts/<target>/. Seeds: fuzz/corpus/<target>, fuzz/regressions/<target>, and
# reference files from ../shared/reference when present.
set -u
cd "$(dirname "$0")/.."
fixed=0
if [ "${1:-}" = "--fixed" ]; then fixed=1; seconds=300; else seconds=${1:-60}; fi
shift || true
scratch=.build-fuzz
bin=$scratch/debug/pivot-fuzz
reference=../shared/reference
[ -x "$bin" ] || { echo "fuzz: $bin not built (run make fuzz)" >&2; exit 2; }
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <("$bin" --list | cut -f1); fi

# Reference seeds are copied (or extracted) under the scratch path at run time, never committed.
seeds=$scratch/seeds
rm -rf "$seeds"
mkdir -p "$seeds/otlp-json" "$seeds/test-script" "$seeds/promql"
if [ -d "$reference" ]; then
  cp "$reference"/otlp-examples/*.json "$seeds/otlp-json/" 2>/dev/null
  cp "$reference"/promql-tests/*.test "$seeds/test-script/" 2>/dev/null
  # One file per query of Prometheus's test scripts (the last column of CASES.tsv).
  awk -F'\t' -v dir="$seeds/promql" 'NR > 3 { f = dir "/q" NR; printf "%s", $NF > f; close(f) }' \
    "$reference/promql-tests/CASES.tsv" 2>/dev/null
fi

failed=0
for target in "${targets[@]}"; do
  work=$scratch/corpus/$target
  [ $fixed -eq 1 ] && { work=$scratch/fixed-corpus/$target; rm -rf "$work"; }
  artifacts=$scratch/artifacts/$target
  log=$scratch/logs/$target.log
  rm -rf "$artifacts"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  dirs=("$work" "fuzz/corpus/$target")
  [ -d "fuzz/regressions/$target" ] && dirs+=("fuzz/regressions/$target")
  [ -n "$(ls -A "$seeds/$target" 2>/dev/null)" ] && dirs+=("$seeds/$target")
  case $target in
    promql|trace-id) max_len=4096 ;;
    traceql) max_len=8192 ;;
    test-script) max_len=16384 ;;
    *) max_len=65536 ;;
  esac
  # Inputs per target in the fixed run: about 20 s each on one core here (the targets differ ~100x in speed).
  case $target in
    remote-write-1|remote-write-2|trace-id) runs=500000 ;;
    otlp-metrics-proto|otlp-traces-proto) runs=300000 ;;
    otlp-json) runs=60000 ;;
    traceql) runs=30000 ;;
    promql) runs=10000 ;;
    test-script) runs=3000 ;;
    *) runs=20000 ;;
  esac
  extra=()
  [ $fixed -eq 1 ] && extra=(-seed=1 -runs=$runs -reload=0)
  # symbolize=0: a crash must not hang in symbolization; replay the artifact with a normal build
  # (.build/debug/pivot-fuzz <target> <file>) for a readable trace.
  # The fixed run also turns off address randomisation (where allowed): some targets hash addresses.
  environment=(ASAN_OPTIONS=symbolize=0:detect_leaks=0)
  launcher=()
  if [ $fixed -eq 1 ]; then
    environment+=(SWIFT_DETERMINISTIC_HASHING=1)
    setarch -R true 2>/dev/null && launcher=(setarch -R)
  fi
  env "${environment[@]}" "${launcher[@]}" timeout -k 10 $((seconds + 300)) "$bin" "$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=$max_len \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${extra[@]}" "${dirs[@]}" >"$log" 2>&1
  status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "$artifacts" -type f | wc -l)
  if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  echo "$target: ${execs:-0} execs, $crashes crashes"
  if [ "$crashes" -ne 0 ]; then
    failed=1
    echo "  log: $log; inputs: $artifacts/" >&2
    grep -m3 -E "ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|fuzz invariant" "$log" | sed 's/^/  /' >&2
  fi
done
exit $failed
