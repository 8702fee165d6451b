#!/usr/bin/env bash
# Runs every fuzz target of a fuzz build briefly (default 20 s each) on a
# fresh corpus seeded from the targets themselves (RDL_FUZZ_WRITE_SEEDS) and
# from the repository's rules; exits non-zero when one crashes, leaks, hangs
# or runs out of memory, printing where the reproducer was saved.
#   usage: tests/fuzz/smoke.sh BUILD_DIR [SECONDS]
set -uo pipefail

build=${1:?usage: smoke.sh BUILD_DIR [SECONDS]}
seconds=${2:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
shopt -s nullglob
bins=("$build"/bin/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
  echo "smoke.sh: no fuzz_* binaries in $build/bin (configure with -DRDL_FUZZ=ON)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
for bin in "${bins[@]}"; do
  name=$(basename "$bin")
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  # Targets that can write their own seeds do so and exit; the others just
  # run zero inputs.
  RDL_FUZZ_WRITE_SEEDS="$corpus" "$bin" -runs=0 "$corpus" >/dev/null 2>&1 || true
  if [[ $name == *rule* ]]; then
    for f in "$root"/rules/*/*.rule "$root"/tests/data/*.rule; do cp "$f" "$corpus/"; done
  fi
  echo "== $name: $(ls "$corpus" | wc -l) seeds, ${seconds}s"
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$work/$name/log" 2>&1
  rc=$?
  if [ $rc -ne 0 ]; then
    failed=1
    echo "!! $name failed (exit $rc); last lines of its log:"
    tail -n 40 "$work/$name/log"
    keep="$build/fuzz-artifacts/$name"
    mkdir -p "$keep"
    cp "$artifacts"/* "$keep"/ 2>/dev/null || true
    echo "!! reproducers in $keep"
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$name/log" | sed 's/^/   /'
  fi
done
exit $failed
