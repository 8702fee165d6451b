#!/usr/bin/env bash
# rulerun exit codes and reporting: a corrupted or missing pack and bad flags
# exit 2 with a message; a malformed line is reported as file:line, skipped
# and counted; --strict makes it fatal (exit 1); rule errors exit 1; late
# events are warned about. Usage: rulerun_exit_codes.sh BIN_DIR
set -u
BIN=${1:?usage: $0 BIN_DIR}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$T/out" 2>/dev/null; echo "--- stderr"; cat "$T/err" 2>/dev/null; exit 1; }
expect_rc() { [ "$1" = "$2" ] || fail "$3: exit $1, expected $2"; }
has() { grep -qF -- "$2" "$1" || fail "$3: missing '$2' in $1"; }

cat > "$T/r.rule" <<'RULE'
rule snap {
  title "Snapshot created"
  match where action == "snapshot.create"
}
RULE
"$BIN/rulec" build "$T/r.rule" -o "$T/p.rpk" 2>"$T/err" || fail "rulec build"

cat > "$T/ev.jsonl" <<'EV'
{"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"},"cloud":{"provider":"aws"},"action":"snapshot.create"}
{"time":"2026-01-05T10:01:00Z","metadata":{"uid":"e2"},"cloud":{"provider":"aws"},"action":"snapshot.create"}
{"time":"2026-01-05T10:02:00Z", this is not json
{"time":"2026-01-05T10:03:00Z","metadata":{"uid":"e3"},"cloud":{"provider":"aws"},"action":"volume.create"}
EV

# Malformed line: reported with file:line, skipped, counted; exit 0.
"$BIN/rulerun" --pack "$T/p.rpk" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 0 "malformed line"
[ "$(wc -l <"$T/out")" = 2 ] || fail "expected 2 alerts"
has "$T/out" '"events":["e1"]' "first alert"
has "$T/out" '"events":["e2"]' "second alert"
has "$T/err" "$T/ev.jsonl:3:" "file:line of the bad line"
# The volume.create line holds nothing the rule needs: the prefilter skips
# it unparsed (counted); the broken line is not one object, so it is parsed
# and reported.
has "$T/err" "summary: events=2 bad=1 late=0 alerts=2" "summary counts"
has "$T/err" "prefiltered=1 " "prefiltered count"
has "$T/err" "rule snap: alerts=2" "per-rule summary"
has "$T/err" "reader normalized: records=2 skipped=1" "reader stats"

# --no-prefilter parses (and counts) every record.
"$BIN/rulerun" --pack "$T/p.rpk" --no-prefilter "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 0 "--no-prefilter"
has "$T/err" "summary: events=3 bad=1 late=0 alerts=2" "summary counts without the prefilter"
has "$T/err" "prefiltered=0 " "nothing prefiltered"

# --strict: the same line is fatal.
"$BIN/rulerun" --pack "$T/p.rpk" --strict "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 1 "--strict"
has "$T/err" "$T/ev.jsonl:3:" "--strict names file:line"

# A corrupted pack: exit 2, the message names the byte offset.
head -c 40 "$T/p.rpk" >"$T/bad.rpk"
"$BIN/rulerun" --pack "$T/bad.rpk" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "corrupted pack"
has "$T/err" "offset" "corrupted pack message"
printf 'garbage' >"$T/junk.rpk"
"$BIN/rulerun" --pack "$T/junk.rpk" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "junk pack"
"$BIN/rulerun" --pack "$T/missing.rpk" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "missing pack"
has "$T/err" "missing.rpk" "missing pack message"

# Bad flags and usage errors: exit 2.
"$BIN/rulerun" --pack "$T/p.rpk" --lateness 5parsecs "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "bad duration"
"$BIN/rulerun" --pack "$T/p.rpk" --bogus "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "unknown flag"
"$BIN/rulerun" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "no pack"
"$BIN/rulerun" --pack "$T/p.rpk" --format xml "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 2 "bad format"
"$BIN/rulerun" --pack "$T/p.rpk" "$T/no-such-input.json" >"$T/out" 2>"$T/err"
expect_rc $? 2 "unreadable input"

# --rules compiles in process; a rule error exits 1 with the diagnostic.
"$BIN/rulerun" --rules "$T/r.rule" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 0 "--rules"
[ "$(wc -l <"$T/out")" = 2 ] || fail "--rules: expected 2 alerts"
cat > "$T/broken.rule" <<'RULE'
rule broken {
  match where actoin == "snapshot.create"
}
RULE
"$BIN/rulerun" --rules "$T/broken.rule" "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 1 "rule errors"
has "$T/err" "broken.rule:2:" "diagnostic location"

# Late events: warned per event (with the location), counted, not evaluated.
cat > "$T/late.jsonl" <<'EV'
{"time":"2026-01-05T10:00:00Z","metadata":{"uid":"e1"},"cloud":{"provider":"aws"},"action":"snapshot.create"}
{"time":"2026-01-05T11:00:00Z","metadata":{"uid":"e2"},"cloud":{"provider":"aws"},"action":"snapshot.create"}
{"time":"2026-01-05T10:10:00Z","metadata":{"uid":"e3"},"cloud":{"provider":"aws"},"action":"snapshot.create"}
EV
"$BIN/rulerun" --pack "$T/p.rpk" --lateness 15m "$T/late.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 0 "late events"
[ "$(wc -l <"$T/out")" = 2 ] || fail "late event must not alert"
has "$T/err" "$T/late.jsonl:3: late event e3" "late warning"
has "$T/err" "late=1" "late counted"

# stdin input and --normalize.
"$BIN/rulerun" --pack "$T/p.rpk" - <"$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 0 "stdin"
[ "$(wc -l <"$T/out")" = 2 ] || fail "stdin: expected 2 alerts"
"$BIN/rulerun" --normalize "$T/ev.jsonl" >"$T/out" 2>"$T/err"
expect_rc $? 0 "--normalize"
[ "$(wc -l <"$T/out")" = 3 ] || fail "--normalize: expected 3 events"
echo "ok"
