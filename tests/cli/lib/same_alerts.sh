# Sourced by the differential CLI tests (not a test itself: ctest runs only
# tests/cli/*.sh). Needs BIN (the binaries), T (a scratch directory) and a
# `fail MESSAGE` function.
#
# same_alerts INPUT PACK...: runs rulerun with every PACK under every flag
# set of the array RUN_FLAGS ("" = none) over INPUT and fails unless all the
# runs raise the same alerts (sorted). Sets REF to the first run's sorted
# alerts and REF_ERR to its stderr.
same_alerts() {
  local input=$1 name pack pf out rc
  shift
  name=$(basename "$input")
  REF="" REF_ERR=""
  for pack in "$@"; do
    for pf in "${RUN_FLAGS[@]}"; do
      out="$T/$name.$(basename "$pack" .rpk)$pf"
      # A wide lateness: sample folders mix files whose times overlap.
      "$BIN/rulerun" --pack "$pack" --lateness 3650d $pf "$input" >"$out" 2>"$out.err"
      rc=$?
      [ $rc -le 1 ] || { cp "$out.err" "$T/err"; fail "rulerun --pack $pack $pf $input exited $rc"; }
      sort "$out" >"$out.sorted"
      if [ -z "$REF" ]; then
        REF="$out.sorted"
        REF_ERR="$out.err"
      elif ! cmp -s "$REF" "$out.sorted"; then
        diff "$REF" "$out.sorted" | head -5
        fail "$input: alerts differ between $(basename "$REF" .sorted) and $(basename "$pack" .rpk)$pf"
      fi
    done
  done
}
