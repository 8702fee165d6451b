#!/usr/bin/env bash
# Runs every fuzz target of a fuzz build (tests/fuzz/fuzz_*.cc, configured
# with -DRDL_FUZZ=ON and clang) briefly, each on a fresh corpus seeded from:
#   - tests/fuzz/regressions/<target>/: inputs that once crashed (always run);
#   - the target itself (RDL_FUZZ_WRITE_SEEDS, fuzz_pack_loader and
#     fuzz_event_reader);
#   - the repository: rules/ and tests/data/*.rule for fuzz_rule_parser,
#     tests/data/corpus/ and tests/data/formats/ for the fuzz_ingest_* ones.
# Exits non-zero when a target crashes, leaks, hangs (-timeout=10 per input)
# or runs out of memory (2 GB), printing the end of its log and where the
# reproducer was saved (BUILD_DIR/fuzz-artifacts/<target>/). To keep a fixed
# crash fixed, copy the reproducer into tests/fuzz/regressions/<target>/.
#
#   usage: tests/fuzz/smoke.sh BUILD_DIR [SECONDS]   # exploratory (make fuzz)
#          tests/fuzz/smoke.sh BUILD_DIR --ci        # CI (make fuzz-smoke)
#
# Exploratory: each target fuzzes SECONDS (default 20) of wall time with a
# random libFuzzer seed, so every run explores something new.
# --ci: deterministic and short: -seed=1 and a fixed number of runs per
# target (ci_runs below: 5-30 s each, 2-3 minutes for all; targets run
# one after the other), so a CI failure reproduces with the same command.
# Each target also has a wall-clock cap (RDL_FUZZ_CI_MAX_SECONDS, default 90)
# so a slow or loaded machine cannot stretch CI; a target stopped by the cap
# passes but says so. The same seed and run count give the same inputs up to
# the order in which the filesystem lists seed files of equal size.
set -uo pipefail

usage="usage: smoke.sh BUILD_DIR [SECONDS | --ci]"
build=${1:?$usage}
mode=${2:-20}
ci=0
if [ "$mode" = "--ci" ]; then
  ci=1
elif ! [[ $mode =~ ^[0-9]+$ ]]; then
  echo "$usage" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
shopt -s nullglob
bins=("$build"/bin/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
  echo "smoke.sh: no fuzz_* binaries in $build/bin (configure with -DRDL_FUZZ=ON)" >&2
  exit 2
fi

# --ci runs per target (libFuzzer -runs, seeds included). The rule parser
# (ANTLR on 1-20 KB rules under ASan) is about 100x slower per input than
# the others.
ci_runs() {
  case $1 in
    fuzz_rule_parser) echo 4000 ;;
    fuzz_event_reader) echo 600000 ;;
    fuzz_ingest_typed) echo 30000 ;;  # reads every input twice
    fuzz_ingest_*) echo 100000 ;;
    fuzz_pack_loader) echo 250000 ;;
    *) echo 100000 ;;
  esac
}
ci_cap=${RDL_FUZZ_CI_MAX_SECONDS:-90}

# Repository files that seed a target, into the array `seeds`.
repo_seeds() {
  local d=$root/tests/data
  case $1 in
    fuzz_rule_parser) seeds=("$root"/rules/*/*.rule "$d"/*.rule) ;;
    fuzz_ingest_cloudtrail) seeds=("$d"/corpus/aws/*/* "$d"/formats/cloudtrail_*) ;;
    fuzz_ingest_azure) seeds=("$d"/corpus/azure/*/* "$d"/formats/azure_*) ;;
    fuzz_ingest_gcp) seeds=("$d"/corpus/gcp/*/* "$d"/formats/gcp_*) ;;
    fuzz_ingest_ocsf) seeds=("$d"/formats/ocsf*) ;;
    fuzz_ingest_normalized) seeds=("$d"/formats/normalized*) ;;
    fuzz_ingest_auto | fuzz_ingest_typed) seeds=("$d"/corpus/*/*/* "$d"/formats/*.json*) ;;
    *) seeds=() ;;
  esac
  seeds+=("$root"/tests/fuzz/regressions/"$1"/*)
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
start_all=$SECONDS
for bin in "${bins[@]}"; do
  name=$(basename "$bin")
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  # Targets that can write their own seeds do so and exit; the others just
  # run zero inputs.
  RDL_FUZZ_WRITE_SEEDS="$corpus" "$bin" -runs=0 "$corpus" >/dev/null 2>&1 || true
  n=0
  repo_seeds "$name"
  for f in "${seeds[@]}"; do
    # Distinct names: seeds from different folders may share a basename.
    [ -f "$f" ] && cp "$f" "$corpus/repo_$((n++))_$(basename "$f")"
  done
  if [ $ci = 1 ]; then
    runs=$(ci_runs "$name")
    limits=(-seed=1 -runs="$runs" -max_total_time="$ci_cap")
    what="$runs runs, -seed=1"
  else
    limits=(-max_total_time="$mode")
    what="${mode}s"
  fi
  echo "== $name: $(ls "$corpus" | wc -l) seeds, $what"
  t0=$SECONDS
  "$bin" "${limits[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$work/$name/log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    failed=1
    echo "!! $name failed (exit $rc); last lines of its log:"
    tail -n 40 "$work/$name/log"
    keep="$build/fuzz-artifacts/$name"
    mkdir -p "$keep"
    cp "$artifacts"/* "$keep"/ 2>/dev/null || true
    echo "!! reproducers in $keep (rerun one: $bin <file>)"
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$name/log" | sed 's/^/   /'
    echo "   $((SECONDS - t0))s"
    if [ $ci = 1 ] && ! grep -q "^Done $runs runs" "$work/$name/log"; then
      echo "   (stopped by the ${ci_cap}s cap before $runs runs)"
    fi
  fi
done
echo "== all fuzz targets: $((SECONDS - start_all))s, $([ $failed = 0 ] && echo ok || echo FAILED)"
exit $failed
