#!/usr/bin/env bash
# The benchmark: generates (once) deterministic CloudTrail, Azure and GCP
# streams with injected T1578 attacks and a ground truth, runs every tool on
# the same files in one run, checks each tool's findings against the truth
# and prints the tables (bench/report.py). Not part of `make test`;
# `make bench` runs it. Timed assertions never fail the run: only a wrong
# answer does.
#
#   bash bench/run.sh [RECORDS]     default 200000 records per provider
#   bash bench/run.sh --smoke       1000 records, correctness only (CI)
#
# Tools, on the CloudTrail file:
#   cat                 I/O floor
#   parse_floor         simdjson On-Demand parse of every record, touching eventName
#   parse_floor --dom   simdjson DOM parse of every record
#   ingest              runtime/ingest alone (bench/ingest_bench: read, parse, normalize;
#                       as normalized JSON, and typed for the pack as rulerun reads)
#   jq, gojq            bench/peers/t1578.jq: the four reference detections
#   duckdb              bench/peers/duckdb.mjs: the same in SQL (@duckdb/node-api, 1 thread)
#   rulerun             the whole T1578 pack (interpreter, raw-byte prefilter on;
#                       --lateness 0, --no-prefilter and the pack plus 2,000
#                       generated rules too;
#                       JIT / threads when rulerun offers them)
# and, per provider (CloudTrail, Azure, GCP): parse floor, ingest,
# rulerun --normalize and rulerun --pack.
#
# Environment:
#   RDL_BUILD   main build directory with bin/rulec and bin/rulerun (default: build)
#   REPEAT      runs per tool, the fastest (CPU time) is kept (default 1; smoke 1)
#   BENCH_OUT   where data and results go (default bench/out, git-ignored)
#   SEED        generator seed (default 1578)
# Exit status: 0 when every tool that ran found exactly the truth, 1 otherwise,
# 2 when the benchmark cannot run (missing build, generator failure).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SMOKE=0
RECORDS=200000
for a in "$@"; do
  case "$a" in
    --smoke) SMOKE=1; RECORDS=1000 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *[!0-9]*|'') echo "run.sh: unknown argument '$a'" >&2; exit 2 ;;
    *) RECORDS=$a ;;
  esac
done
REPEAT=${REPEAT:-1}
SEED=${SEED:-1578}
OUT=${BENCH_OUT:-$ROOT/bench/out}
BUILD=${RDL_BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
BENCH_BUILD="$ROOT/build-bench"
RULEC="$BUILD/bin/rulec"
RULERUN="$BUILD/bin/rulerun"
mkdir -p "$OUT"

say() { printf '%s\n' "$*" >&2; }

# ------------------------------------------------------------------ tools --
for t in "$RULEC" "$RULERUN"; do
  [ -x "$t" ] || { say "run.sh: $t not found: build first (make build, or RDL_BUILD=dir)"; exit 2; }
done
if [ ! -f "$BENCH_BUILD/build.ninja" ] && [ ! -f "$BENCH_BUILD/Makefile" ]; then
  gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
  cmake -S bench -B "$BENCH_BUILD" "${gen[@]}" >/dev/null
fi
cmake --build "$BENCH_BUILD" --target gen_stream parse_floor >/dev/null
HAVE_INGEST=1
if ! cmake --build "$BENCH_BUILD" --target ingest_bench > "$OUT/ingest_bench.build.log" 2>&1; then
  say "run.sh: ingest_bench does not build (runtime/ingest mid-edit?): skipped; see $OUT/ingest_bench.build.log"
  HAVE_INGEST=0
fi

# Peers: installed on a full run when missing; skipped in smoke mode.
if [ "$SMOKE" = 0 ]; then
  if ! command -v gojq >/dev/null && command -v apt-get >/dev/null; then
    apt-get install -y gojq >/dev/null 2>&1 || true
  fi
  if command -v npm >/dev/null && [ ! -d bench/node_modules/@duckdb/node-api ]; then
    (cd bench && npm ci --no-audit --no-fund >/dev/null 2>&1) || say "run.sh: npm ci failed: duckdb skipped"
  fi
fi
HAVE_JQ=0; command -v jq >/dev/null && HAVE_JQ=1
HAVE_GOJQ=0; command -v gojq >/dev/null && HAVE_GOJQ=1
HAVE_DUCKDB=0; command -v node >/dev/null && [ -d bench/node_modules/@duckdb/node-api ] && HAVE_DUCKDB=1
HELP=$("$RULERUN" --help 2>&1 || true)

# ------------------------------------------------------------------- data --
NAME=n$RECORDS
[ "$SEED" = 1578 ] || NAME=n$RECORDS-s$SEED
TRUTH="$OUT/$NAME.truth.json"
if [ ! -f "$TRUTH" ] || [ "$BENCH_BUILD/gen_stream" -nt "$TRUTH" ]; then
  say "== generating $RECORDS records per provider -> $OUT/$NAME.*"
  "$BENCH_BUILD/gen_stream" --records "$RECORDS" --seed "$SEED" --out "$OUT" --name "$NAME" || exit 2
fi
CT="$OUT/$NAME.cloudtrail.jsonl"
AZ="$OUT/$NAME.azure.jsonl"
GCP="$OUT/$NAME.gcp.jsonl"
# The same CloudTrail records as S3 delivery files hold them: one
# {"Records":[...]} document of 1,000 records per line.
CT_S3="$OUT/$NAME.cloudtrail-records.json"
if [ ! -f "$CT_S3" ] || [ "$CT" -nt "$CT_S3" ]; then
  awk 'BEGIN { n = 0 }
       { printf "%s%s", (n == 0 ? "{\"Records\":[" : ","), $0; if (++n == 1000) { print "]}"; n = 0 } }
       END { if (n > 0) print "]}" }' "$CT" > "$CT_S3"
fi
PACK="$OUT/t1578.rpk"
"$RULEC" build rules/t1578 -o "$PACK" >/dev/null || { say "run.sh: rulec build rules/t1578 failed"; exit 2; }
# The pack plus 2,000 generated rules (bench/gen/extra_rules.py): what a
# user's own detections beside the pack cost.
PACK_X="$OUT/t1578-extra2000.rpk"
python3 bench/gen/extra_rules.py 2000 "$OUT/extra_rules" &&
  "$RULEC" build rules/t1578 "$OUT/extra_rules" -o "$PACK_X" >/dev/null ||
  { say "run.sh: the extra-rules pack does not build"; PACK_X=""; }

# Records per provider, from the truth file.
declare -A RECORDS_OF
while read -r p n; do RECORDS_OF[$p]=$n; done < <(python3 -c "
import json, sys
for p, f in json.load(open(sys.argv[1]))['files'].items():
    print(p, f['records'])" "$TRUTH")

# ---------------------------------------------------------------- measure --
RESULTS="$OUT/results-$NAME.tsv"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
printf 'section\ttool\tprovider\twall_s\tuser_s\tsys_s\trss_kb\trecords\tbytes\tcheck\tcommand\n' > "$RESULTS"
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# run SECTION TOOL PROVIDER FILE CHECK -- CMD...: runs CMD (stdout to
# $TMP/out), REPEAT times, keeps the fastest by CPU time, then checks.
# CHECK: truth (tool findings TSV), alerts (rulerun alerts), records (a JSON
# line with "records"), none.
run() {
  local section=$1 tool=$2 provider=$3 file=$4 check=$5; shift 6
  local best="" i
  for ((i = 0; i < REPEAT; i++)); do
    if ! /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" > "$TMP/out" 2> "$TMP/err"; then
      say "run.sh: $tool failed on $(basename "$file"):"; tail -5 "$TMP/err" >&2
      printf '%s\t%s\t%s\t\t\t\t\t\t\tFAILED (exit)\t%s\n' "$section" "$tool" "$provider" "$*" >> "$RESULTS"
      FAILED=1
      return
    fi
    local t; t=$(tail -1 "$TMP/time")
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[2]+x[3] < y[2]+y[3])}'; then
      best=$t
      cp "$TMP/out" "$TMP/best"
    fi
  done
  local verdict="-" records bytes
  records=${RECORDS_OF[$provider]}
  bytes=$(stat -c %s "$file")
  case "$check" in
    truth)
      verdict=$(python3 bench/check.py "$TRUTH" "$provider" --findings "$TMP/best" --quiet) || FAILED=1 ;;
    alerts)
      verdict=$(python3 bench/check.py "$TRUTH" "$provider" --alerts "$TMP/best" --quiet) || FAILED=1 ;;
    records)
      local got; got=$(tail -1 "$TMP/best" | sed -n 's/.*"records":\([0-9]*\).*/\1/p')
      if [ "$got" = "$records" ]; then verdict="ok $got records"; else verdict="MISMATCH: $got of $records records"; FAILED=1; fi ;;
    normalized)
      local got; got=$(wc -l < "$TMP/best")
      if [ "$got" = "$records" ]; then verdict="ok $got events"; else verdict="MISMATCH: $got of $records events"; FAILED=1; fi ;;
  esac
  read -r wall user sys rss <<< "$best"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$tool" "$provider" "$wall" "$user" "$sys" "$rss" \
    "$records" "$bytes" "$verdict" "${*/#$ROOT\//}" >> "$RESULTS"
  say "  $(printf '%-26s %-6s %7ss wall %7ss cpu  %s' "$tool" "$provider" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')" "$verdict")"
}

say "== CloudTrail: every tool on $(basename "$CT") ($(du -h "$CT" | cut -f1)), load $LOAD_BEFORE"
cat "$CT" > /dev/null  # warm the page cache once; every tool reads the same cached file
run main cat aws "$CT" none -- cat "$CT"
run main "parse_floor (simdjson On-Demand)" aws "$CT" records -- "$BENCH_BUILD/parse_floor" "$CT"
run main "parse_floor --dom (simdjson DOM)" aws "$CT" records -- "$BENCH_BUILD/parse_floor" --dom "$CT"
[ "$HAVE_INGEST" = 1 ] && run main "ingest only (runtime/ingest)" aws "$CT" records -- "$BENCH_BUILD/ingest_bench" "$CT"
[ "$HAVE_INGEST" = 1 ] && run main "ingest only, typed for the pack" aws "$CT" records -- "$BENCH_BUILD/ingest_bench" --pack "$PACK" "$CT"
[ "$HAVE_JQ" = 1 ] && run main "jq $(jq --version | sed 's/^jq-//')" aws "$CT" truth -- jq -n -r -f bench/peers/t1578.jq "$CT"
[ "$HAVE_GOJQ" = 1 ] && run main "gojq $(gojq --version | cut -d' ' -f2)" aws "$CT" truth -- gojq -n -r -f bench/peers/t1578.jq "$CT"
[ "$HAVE_DUCKDB" = 1 ] && run main "duckdb $(node -e "console.log(require('./bench/node_modules/@duckdb/node-api/package.json').version)" 2>/dev/null) (1 thread)" aws "$CT" truth -- node bench/peers/duckdb.mjs "$CT" 1
run main "rulerun (interpreter)" aws "$CT" alerts -- "$RULERUN" --pack "$PACK" "$CT"
run main "rulerun --lateness 0" aws "$CT" alerts -- "$RULERUN" --pack "$PACK" --lateness 0 "$CT"
if grep -q -- '--no-prefilter' <<< "$HELP"; then
  run main "rulerun --no-prefilter" aws "$CT" alerts -- "$RULERUN" --pack "$PACK" --no-prefilter "$CT"
fi
if [ -n "$PACK_X" ]; then
  run main "rulerun, pack + 2,000 extra rules" aws "$CT" alerts -- "$RULERUN" --pack "$PACK_X" "$CT"
fi
if grep -q -- '--jit' <<< "$HELP"; then
  run main "rulerun --jit" aws "$CT" alerts -- "$RULERUN" --pack "$PACK" --jit "$CT"
fi
if grep -q -- '--threads' <<< "$HELP"; then
  run main "rulerun --threads 2" aws "$CT" alerts -- "$RULERUN" --pack "$PACK" --threads 2 "$CT"
fi
run main "rulerun, S3 delivery format ({\"Records\":[...]} lines)" aws "$CT_S3" alerts -- "$RULERUN" --pack "$PACK" "$CT_S3"

for pf in "aws:$CT:eventName" "azure:$AZ:operationName" "gcp:$GCP:protoPayload.methodName"; do
  IFS=: read -r provider file field <<< "$pf"
  say "== $provider: ingest and pack on $(basename "$file") ($(du -h "$file" | cut -f1))"
  cat "$file" > /dev/null
  run provider "parse_floor (On-Demand)" "$provider" "$file" records -- "$BENCH_BUILD/parse_floor" --field "$field" "$file"
  run provider "parse_floor --dom" "$provider" "$file" records -- "$BENCH_BUILD/parse_floor" --dom --field "$field" "$file"
  [ "$HAVE_INGEST" = 1 ] && run provider "ingest only" "$provider" "$file" records -- "$BENCH_BUILD/ingest_bench" "$file"
  [ "$HAVE_INGEST" = 1 ] && run provider "ingest only, typed for the pack" "$provider" "$file" records -- "$BENCH_BUILD/ingest_bench" --pack "$PACK" "$file"
  run provider "rulerun --normalize" "$provider" "$file" normalized -- "$RULERUN" --normalize "$file"
  run provider "rulerun --pack" "$provider" "$file" alerts -- "$RULERUN" --pack "$PACK" "$file"
  if grep -q -- '--no-prefilter' <<< "$HELP"; then
    run provider "rulerun --pack --no-prefilter" "$provider" "$file" alerts -- "$RULERUN" --pack "$PACK" --no-prefilter "$file"
  fi
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ----------------------------------------------------------------- report --
REPORT="$OUT/results-$NAME.md"
python3 bench/report.py "$RESULTS" --load-before "$LOAD_BEFORE" --load-after "$LOAD_AFTER" \
  --command "bash bench/run.sh $*" --repeat "$REPEAT" > "$REPORT"
cat "$REPORT"
say "run.sh: results in ${RESULTS#"$ROOT"/} and ${REPORT#"$ROOT"/}"
if [ "$FAILED" != 0 ]; then
  say "run.sh: FAILED: a tool did not find exactly the ground truth (see the check column)"
  exit 1
fi
