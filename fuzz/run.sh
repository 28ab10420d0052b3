#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) under libFuzzer for SECONDS each and prints one line per
# target: "<target>: N execs, C crashes". Exits non-zero when any target crashed, hung, ran out of
# memory or did not run. Used by `make fuzz`; see docs/fuzzing.md.
#
#   fuzz/run.sh SECONDS [target...]
#
# New inputs libFuzzer finds go to .build-fuzz/corpus/<target> (never committed); crash inputs to
# .build-fuzz/artifacts/<target>/. Seeds: fuzz/corpus/<target>, fuzz/regressions/<target>, and
# reference files from ../shared/reference when present.
set -u
cd "$(dirname "$0")/.."
seconds=${1:-60}
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
  # symbolize=0: a crash must not hang in symbolization; replay the artifact with a normal build
  # (.build/debug/pivot-fuzz <target> <file>) for a readable trace.
  ASAN_OPTIONS=symbolize=0:detect_leaks=0 timeout -k 10 $((seconds + 300)) "$bin" "$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=$max_len \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${dirs[@]}" >"$log" 2>&1
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
