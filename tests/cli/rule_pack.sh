#!/usr/bin/env bash
# The T1578 pack as CI uses it: it compiles with no warnings, every inline
# rule test passes (also shuffled within the lateness), JUnit XML is written,
# a failing test makes `rulec test` exit 1 with the summary line, and the demo
# over the bundled sample raises exactly the alerts of samples/demo/EXPECTED.md.
# Usage: rule_pack.sh BIN_DIR
set -u
BIN=${1:?usage: $0 BIN_DIR}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$T/out" 2>/dev/null; echo "--- stderr"; cat "$T/err" 2>/dev/null; exit 1; }

"$BIN/rulec" check --Werror rules/t1578 >"$T/out" 2>"$T/err" || fail "rulec check --Werror rules/t1578"

"$BIN/rulec" test rules/t1578 --junit "$T/junit.xml" >"$T/out" 2>"$T/err" || fail "rulec test rules/t1578"
grep -qE '^[0-9]+ passed, 0 failed$' "$T/out" || fail "summary line"
grep -q '<testsuite name="rulec test"' "$T/junit.xml" || fail "junit xml"
cat "$T/out"

cat > "$T/bad.rule" <<'RULE'
rule deleted {
  title "Instance deleted"
  match where action == "instance.delete"
  test "expects too many" {
    events """
{"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"},"cloud":{"provider":"aws"},"action":"instance.delete"}
"""
    expect 2
  }
}
RULE
"$BIN/rulec" test "$T/bad.rule" >"$T/out" 2>"$T/err"
[ $? = 1 ] || fail "a failing rule test must exit 1"
grep -qx '0 passed, 1 failed' "$T/out" || fail "failing summary"
grep -qF 'expected 2 alert(s), got 1' "$T/err" || fail "failure reason"

bash scripts/demo.sh "$(dirname "$BIN")" >"$T/out" 2>"$T/err" || fail "demo alerts differ from samples/demo/EXPECTED.md"
echo "demo: $(tail -1 "$T/out")"
