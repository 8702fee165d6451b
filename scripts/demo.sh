#!/usr/bin/env bash
# The demo: compiles the T1578 pack and runs it over the bundled sample logs
# (samples/demo: raw CloudTrail, Azure Activity Log and GCP audit logs), then
# prints one line per alert and checks them against samples/demo/EXPECTED.md.
#
#   bash scripts/demo.sh [BUILD_DIR]        (make demo calls it with `build`)
#
# Environment: DEMO_LATENESS (default 7h) is passed as rulerun --lateness:
# a directory is read file by file in the order of the time each path names,
# and each sample file holds six hours of events, so the reorder window must
# cover one file's span. RULERUN_FLAGS adds other rulerun options; DEMO_RAW=1 prints
# the alerts' JSON instead of the table.
# Exit status: 0 when the alerts match EXPECTED.md, 1 when they differ,
# 2 when the tools are missing or fail.
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac

RULEC="$BUILD/bin/rulec"
RULERUN="$BUILD/bin/rulerun"
PACK="$BUILD/t1578.rpk"
SAMPLE=samples/demo
EXPECTED="$SAMPLE/EXPECTED.md"

for tool in "$RULEC" "$RULERUN"; do
  if [ ! -x "$tool" ]; then
    echo "demo: $tool not found; build first (make build)" >&2
    exit 2
  fi
done

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }

bold "== rulec build rules/t1578 -o ${PACK#"$ROOT"/}"
"$RULEC" build rules/t1578 -o "$PACK" || { echo "demo: rulec failed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

LATENESS=${DEMO_LATENESS:-7h}
bold "== rulerun --pack ${PACK#"$ROOT"/} --lateness $LATENESS ${RULERUN_FLAGS:+$RULERUN_FLAGS }$SAMPLE"
# Alerts are JSON lines on stdout; the run summary goes to stderr.
# shellcheck disable=SC2086
if ! "$RULERUN" --pack "$PACK" --lateness "$LATENESS" ${RULERUN_FLAGS:-} "$SAMPLE" >"$tmp/out" 2>"$tmp/err"; then
  cat "$tmp/err" >&2
  echo "demo: rulerun failed" >&2
  exit 2
fi

# Alerts: the JSON objects with a "rule" member.
grep -E '^[[:space:]]*\{.*"rule"[[:space:]]*:' "$tmp/out" >"$tmp/alerts" || true
n=$(wc -l <"$tmp/alerts" | tr -d ' ')

bold "== $n alert(s)"
if [ "${DEMO_RAW:-0}" = 1 ] || ! command -v jq >/dev/null 2>&1; then
  command -v jq >/dev/null 2>&1 || echo "(jq not installed: raw alert JSON)"
  cat "$tmp/alerts"
else
  # time (of the event completing the alert)  severity  rule  key  message, by time.
  jq -r '[ (.end_time // .time // "" | tostring | .[0:16] | sub("T"; " ")),
           (.severity // "" | tostring),
           (.rule // "" | tostring),
           (.key // "" | if type == "object" then ([.[] | tostring] | join(",") | if . == "" then "-" else . end)
                         elif type == "string" then . else tojson end),
           (.message // "" | tostring) ] | @tsv' "$tmp/alerts" |
    sort |
    awk -F'\t' '{ key = $4; if (length(key) > 48) key = substr(key, 1, 45) "...";
                  printf "%-16s  %-8s  %-46s  %-48s  %s\n", $1, toupper($2), $3, key, $5 }'
fi

# Anything else rulerun printed on stdout, and its summary.
grep -v -E '^[[:space:]]*\{.*"rule"[[:space:]]*:' "$tmp/out" || true
bold "== summary"
cat "$tmp/err"

# Compare the rules that fired with the table in EXPECTED.md.
if [ -f "$EXPECTED" ]; then
  grep -E '^\| [0-9]+ \|' "$EXPECTED" | awk -F'|' '{ r = $5; gsub(/[ `]/, "", r); print r }' | sort >"$tmp/want"
  if command -v jq >/dev/null 2>&1; then
    jq -r '.rule' "$tmp/alerts" | sort >"$tmp/got"
  else
    sed -E 's/.*"rule"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/' "$tmp/alerts" | sort >"$tmp/got"
  fi
  want=$(wc -l <"$tmp/want" | tr -d ' ')
  by_sev=$(if command -v jq >/dev/null 2>&1; then
             jq -r '.severity' "$tmp/alerts" | sort | uniq -c | awk '{printf "%s%d %s", sep, $1, $2; sep=", "}'
           fi)
  echo "alerts: $n${by_sev:+ ($by_sev)}; expected: $want ($EXPECTED)"
  if diff -q "$tmp/want" "$tmp/got" >/dev/null; then
    bold "OK: the alerts match EXPECTED.md"
  else
    bold "MISMATCH with EXPECTED.md (rule counts, - expected only, + fired only):"
    diff <(uniq -c "$tmp/want") <(uniq -c "$tmp/got") | grep -E '^[<>]' | sed -e 's/^</-/' -e 's/^>/+/' || true
    exit 1
  fi
fi
