#!/usr/bin/env bash
# Where rulerun spends its time: profiles `rulerun --pack t1578.rpk` over a
# generated CloudTrail file with perf (user-space cpu-clock samples, DWARF
# call graphs), or valgrind --tool=callgrind when perf is not usable, and
# prints the hottest functions by self time and by inclusive time.
#
#   bash bench/profile.sh [RECORDS] [-- extra rulerun flags]
#                                    (default 100000; the file comes from bench/run.sh's generator)
# Environment: RDL_BUILD (default build), BENCH_OUT (default bench/out).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RECORDS=${1:-100000}
shift || true
[ "${1:-}" = "--" ] && shift
BUILD=${RDL_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
OUT=${BENCH_OUT:-$ROOT/bench/out}
mkdir -p "$OUT"
NAME=n$RECORDS
CT="$OUT/$NAME.cloudtrail.jsonl"
PACK="$OUT/t1578.rpk"

if [ ! -f "$CT" ]; then
  [ -x build-bench/gen_stream ] || { cmake -S bench -B build-bench >/dev/null && cmake --build build-bench --target gen_stream >/dev/null; }
  build-bench/gen_stream --records "$RECORDS" --out "$OUT" --name "$NAME" --providers aws
fi
"$BUILD/bin/rulec" build rules/t1578 -o "$PACK" >/dev/null

if command -v perf >/dev/null && perf record -o /dev/null -e cpu-clock:u true >/dev/null 2>&1; then
  DATA="$OUT/perf-$NAME.data"
  perf record -q -o "$DATA" -F 999 -e cpu-clock:u --call-graph dwarf,16384 \
    "$BUILD/bin/rulerun" --pack "$PACK" "$@" "$CT" > /dev/null 2> "$OUT/perf-$NAME.stderr"
  echo "== self time (top 25)"
  perf report -i "$DATA" --no-children --sort symbol --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | sed -E 's/ +- +- *$//; s/  +/ /g' | cut -c1-160 | head -25 || true
  echo
  echo "== inclusive time (rdl functions and parsers, top 40)"
  perf report -i "$DATA" --children --sort symbol --stdio -g none 2>/dev/null |
    grep -E '^ +[0-9]' | grep -E 'rdl::|simdjson::dom::parser::parse |re2::RE2::Match|pop_heap|operator new' |
    sed -E 's/ +- +- *$//; s/  +/ /g' | cut -c1-160 | head -40 || true
else
  echo "perf not usable here: valgrind --tool=callgrind on the first 20000 records" >&2
  head -n 20000 "$CT" > "$OUT/$NAME.head.jsonl"
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind-$NAME.out" \
    "$BUILD/bin/rulerun" --pack "$PACK" "$@" "$OUT/$NAME.head.jsonl" > /dev/null 2>&1
  callgrind_annotate --inclusive=yes "$OUT/callgrind-$NAME.out" | head -60 || true
fi
