#!/usr/bin/env bash
# Peer agreement: runs our pack over each Panther peer test event (one event
# per run, so baselines are still learning and thresholds / sequences see a
# single event) and records which of our rules alerted next to the peer's
# verdict. Writes a TSV (one row per case) and, with a reasons file, the
# Markdown report docs/rules/peer-agreement.md.
#
#   tests/peer/peer_agreement.sh [-r RULERUN] [-p PACK] [-j PEER_JSONL] [-t OUT.tsv]
#                                [-m OUT.md]
#
# Defaults: build/bin/rulerun, /tmp/t1578.rpk (rulec build rules/t1578 -o
# /tmp/t1578.rpk), the shared corpus jsonl, results on stdout as TSV. With
# -m, writes the report (docs/rules/peer-agreement.md); the one-line reason
# for each disagreement and the gaps are kept below, in reasons_tsv.
# Needs bash and jq. Exit: 0 ok, 2 missing tools or inputs.
set -euo pipefail

RULERUN=build/bin/rulerun
PACK=/tmp/t1578.rpk
JSONL=/work/shared/corpus/peer_tests/panther-labs__panther-analysis.jsonl
TSV=
MD=
while getopts "r:p:j:t:m:" opt; do
  case $opt in
    r) RULERUN=$OPTARG ;;
    p) PACK=$OPTARG ;;
    j) JSONL=$OPTARG ;;
    t) TSV=$OPTARG ;;
    m) MD=$OPTARG ;;
    *) echo "usage: $0 [-r RULERUN] [-p PACK] [-j JSONL] [-t TSV] [-m MD]" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || { echo "peer_agreement: jq not found" >&2; exit 2; }
[[ -x $RULERUN ]] || { echo "peer_agreement: $RULERUN not executable" >&2; exit 2; }
[[ -f $PACK ]] || { echo "peer_agreement: no pack $PACK" >&2; exit 2; }
[[ -f $JSONL ]] || { echo "peer_agreement: no peer tests $JSONL" >&2; exit 2; }

# Why ours differs, per disagreement: "peer rule<TAB>test name<TAB>reason"
# ("*" for every test of the peer rule), and "GAP<TAB>text" lines.
reasons_tsv() {
  local base="by design: a single event cannot fire our"
  cat <<TSV
AWS.EC2.StopInstances	*	$base sequence instance_stop_modify_start (stop, modify, start of one instance); a stop alone is routine.
AWS.EC2.LaunchUnusualEC2Instances	Failed Unusual EC2	by design: a refused launch creates nothing; our rules count succeeded creations only (inline test "refused launch ... is not a creation").
AWS.EC2.LaunchUnusualEC2Instances	*	$base baseline instance_type_new_to_account (new instance type per account, learn 7d): the first event starts learning.
AWS.EC2.Monitoring	*	by design: one CreateImage / CopyImage is routine; images and copies count in the threshold snapshot_creation_burst and start the sequence snapshot_created_then_shared (created or copied, then shared outside).
AWS.EC2.Vulnerable.XZ.Image.Launched	*	out of T1578 scope: vulnerability management (known-bad AMI ids); our instance-creation rules are baselines, learning on one event.
AWS.CloudTrail.AMIModifiedForPublicAccess	AMI Not Made Public	ours is wrong: the aws.json mapping copies launchPermission \`group\` ("not-all") into share.accounts, so shared_outside sees an untrusted account; the hand-normalized copy in snapshot_sharing.rule expects 0. Fix the mapping (see Gaps).
AWS.CloudTrail.AMIModifiedForPublicAccess	AMI Added to User	by design: ours alerts on any account outside trusted_share_accounts; the peer mocks check_account_age to call "bob" a known account.
AWS.EC2.EBS.Encryption.Disabled	*	input: the peer test record has no eventTime (nor principal), so rulerun rejects it ("missing time (eventTime)"); compute_account_setting_weakened alerts on the same record with a time (its inline test).
AWS.EC2.DownloadInstanceUserData	*	out of T1578 scope: reading user data (DescribeInstanceAttribute) is discovery / credential access (T1580, T1552.005), not a modification.
AWS.RDS.ManualSnapshotCreated	*	$base threshold snapshot_creation_burst (>= 5 distinct snapshots by one principal in 10m); one manual snapshot is routine.
AWS.RDS.SnapshotCopiedCrossRegion	*	out of T1578 scope: RDS is not compute, and a cross-region copy is T1537-adjacent; ours has no copy rule (see Gaps for EC2 copies).
AWS.RDS.PublicRestore	*	out of T1578 scope: an RDS restore creates a database, it does not revert a compute instance; instance_reverted excludes database restores (its inline test "raw: RDS restored from snapshot ...").
AWS.RDS.InstanceDeletion	*	out of T1578 scope (RDS is not compute); ours would need 10 distinct deletions in 1h (mass_instance_deletion) or a learnt baseline (instance_deleted_by_new_principal).
AWS.RDS.AutomatedBackupDeleted	*	$base threshold snapshot_deletion_burst (>= 3 distinct snapshots / restore points / backups in 10m).
AWS.RDS.InstanceRebooted	*	out of T1578 scope: a database reboot is availability, not a compute modification.
AWS.RDS.InstanceMadePublic	*	out of T1578 scope: RDS network exposure (RDS is not compute).
AWS.RDS.DeletionProtectionDisabled	*	out of T1578 scope: RDS deletion protection (T1485 preparation; RDS is not compute).
AWS.RDS.SnapshotEnumeration	*	out of T1578 scope: read-only discovery (T1580 / T1619).
Azure.MonitorActivity.Compute.DiskDeleted	*	$base baseline volume_change_by_new_principal (principal, operation) new in the account, learn 7d; one disk deletion is routine.
Azure.MonitorActivity.Compute.VMCommandExecuted	*	out of T1578 scope: run command / serial console / gallery applications are execution (T1651), not infrastructure modification (the extension write case is ours: instance_startup_script_modified).
Azure.MonitorActivity.Compute.RestorePointCollectionDeleted	*	$base threshold snapshot_deletion_burst (>= 3 distinct restore points / snapshots / backups in 10m).
Azure.MonitorActivity.Network.IPDiscovery	*	out of T1578 scope: read-only discovery (T1580).
GCP.Compute.IAM.Policy.Update	IAM policy update on a Compute Disk	different question: the peer alerts on any IAM policy change of a disk; ours (snapshot_shared_externally) only when the new members are outside the trusted accounts or public.
GCP.compute.instances.create.Privilege.Escalation	*	$base baseline instance_created_by_new_principal (learn 7d); the peer's point (creating an instance as a privileged service account) is privilege escalation (T1098), not T1578.
GCP.Compute.SSHConnection	*	out of T1578 scope: an IAP / OS Login / serial-port connection is remote access (T1021), not a modification (ssh keys added to metadata are ours: instance_ssh_key_added).
GCP.Privileged.Operation	*	out of T1578 scope: IAM policy changes are account manipulation (T1098); instance_identity_changed covers the instance's service account, not its IAM policy.
GCP.IAM.Tag.Enumeration	*	out of T1578 scope: read-only discovery (T1580 / T1087).
AWS.EC2.StopInstance.WITH.ModifyInstanceAttributes	*	no event: the peer test is a correlation over rule outputs (event null), nothing to run; our counterpart is the sequence instance_stop_modify_start.
GAP	Not gaps, by design: single-event stop, instance creation, disk deletion, snapshot creation and backup deletion are covered by the sequence, baseline and threshold rules above; RDS, run command, remote access and discovery are outside T1578.
TSV
}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
ROWS=$T/rows.tsv
: >"$ROWS"

# jq filter: a string with tabs / newlines / pipes made safe for TSV and Markdown.
CLEAN='gsub("[\t\n\r]"; " ") | gsub("[|]"; "/")'

n=0
while IFS= read -r line; do
  [[ -z $line ]] && continue
  n=$((n + 1))
  printf '%s\n' "$line" | jq -c '.event' >"$T/event.json"
  rule_id=$(printf '%s\n' "$line" | jq -r ".rule_id | $CLEAN")
  test_name=$(printf '%s\n' "$line" | jq -r ".test_name | $CLEAN")
  expected=$(printf '%s\n' "$line" | jq -r '.expected_alert')
  set +e
  "$RULERUN" --pack "$PACK" --lateness 30d "$T/event.json" >"$T/alerts" 2>"$T/err"
  rc=$?
  set -e
  if [[ $rc -ne 0 ]]; then
    ours="error (exit $rc)"
  else
    ours=$(jq -r '.rule' "$T/alerts" | sort -u | paste -sd, -)
    [[ -z $ours ]] && ours=none
  fi
  if [[ $expected == true && $ours != none ]] || [[ $expected == false && $ours == none ]]; then
    agree=yes
  else
    agree=no
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rule_id" "$test_name" "$expected" "$ours" "$agree" >>"$ROWS"
done <"$JSONL"

if [[ -n $TSV ]]; then cp "$ROWS" "$TSV"; elif [[ -z $MD ]]; then cat "$ROWS"; fi
[[ -z $MD ]] && exit 0

REASONS=$T/reasons.tsv
reasons_tsv >"$REASONS"
reason() {  # rule_id test_name -> reason or empty
  awk -F'\t' -v id="$1" -v t="$2" '
    $1 == id && $2 == t { exact = $3 } $1 == id && $2 == "*" { any = $3 }
    END { print (exact != "" ? exact : any) }' "$REASONS"
}

total=$(wc -l <"$ROWS")
agree=$(awk -F'\t' '$6 == "yes"' "$ROWS" | wc -l)
pa=$(awk -F'\t' '$4 == "true" && $5 != "none"' "$ROWS" | wc -l)
pn=$(awk -F'\t' '$4 == "true" && $5 == "none"' "$ROWS" | wc -l)
na=$(awk -F'\t' '$4 == "false" && $5 != "none"' "$ROWS" | wc -l)
nn=$(awk -F'\t' '$4 == "false" && $5 == "none"' "$ROWS" | wc -l)
{
  echo "# Peer agreement: Panther tests vs the T1578 pack"
  echo
  echo "<!-- generated by tests/peer/peer_agreement.sh -m (reasons and gaps: reasons_tsv in that script) -->"
  echo
  echo "Each of the $total test cases of panther-labs/panther-analysis in"
  echo "\`/work/shared/corpus/peer_tests/panther-labs__panther-analysis.jsonl\` was run"
  echo "alone through \`rulerun --pack t1578.rpk --lateness 30d\` (raw records, normalized"
  echo "by rulerun). \"ours\" lists the rules of \`rules/t1578\` that alerted."
  echo
  echo "**Agreement: $agree / $total.**"
  echo
  echo "| | ours alerted | ours silent |"
  echo "|---|---|---|"
  echo "| peer alerts | $pa | $pn |"
  echo "| peer silent | $na | $nn |"
  echo
  echo "Most disagreements are by design. A single event cannot fire our"
  echo "baseline rules (\`new ... learn 7d\`: the first event of a key starts the"
  echo "learning period, and nothing alerts while learning), our thresholds"
  echo "(\`count\` / \`distinct\` need several events) or our sequences (need every"
  echo "stage). Many Panther rules in the corpus are also outside T1578 (RDS"
  echo "databases are not compute; network / IAM enumeration; command execution)."
  echo "Peer single-event detections within T1578 that have no counterpart in the"
  echo "pack are listed under [Gaps](#gaps)."
  echo
  echo "## Cases"
  echo
  echo "| # | peer rule | test | peer | ours | agree | why ours differs |"
  echo "|---|---|---|---|---|---|---|"
  while IFS=$'\t' read -r i id name exp ours ok; do
    why=
    [[ $ok == no ]] && why=$(reason "$id" "$name")
    [[ $ok == no && -z $why ]] && why="(no reason recorded)"
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$i" "$id" "$name" \
      "$([[ $exp == true ]] && echo alert || echo no alert)" "$ours" "$ok" "$why"
  done <"$ROWS"
  echo
  echo "## Gaps"
  echo
  echo "Single-event peer detections within T1578 without a counterpart in the pack,"
  echo "and pack or mapping changes the cases point to:"
  echo
  awk -F'\t' '$1 == "GAP" { print "- " $2 }' "$REASONS"
} >"$MD"
echo "peer_agreement: $agree/$total agree (peer alert: ours $pa alert / $pn silent; peer silent: ours $na alert / $nn silent) -> $MD" >&2
