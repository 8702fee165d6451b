#!/usr/bin/env bash
# Differential test of the `index` pass and the engine's rule index
# (runtime/engine/route_index.h): rules that share fields with different
# constants, `in` and `in~` lists, case-insensitive `=~`, prefixes, a
# list-valued field (resources.uid), fields missing from most events,
# disjunctions, conjunctions that narrow or contradict each other, rules with
# no indexable conjunct, and every state kind, beside the T1578 pack. The
# pack is built with the pass and without it (--disable-pass index: no
# filters, every routed rule runs its bytecode) and run with the prefilter
# on and off over the corpus, the format samples, the demo sample and a
# generated stream; all four runs must raise identical alerts, and the
# filters must exist and the rules must fire.
# Usage: index_differential.sh BIN_DIR
set -u
BIN=${1:?usage: $0 BIN_DIR}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; cat "$T/err" 2>/dev/null | tail -20; exit 1; }
source "$(dirname "${BASH_SOURCE[0]}")/lib/same_alerts.sh"

mkdir "$T/rules"
cat >"$T/rules/index.rules" <<'EOF'
rule ix_region_create {
  match where cloud.region == "us-east-1" and action == "instance.create"
}
rule ix_region_west {
  match where "us-west-2" == cloud.region
}
rule ix_region_in {
  match where cloud.region in ["eastus", "us-central1-a", "nowhere-1"] and status == "success"
}
rule ix_region_ci {
  match where cloud.region =~ "US-EAST-1" and status == "success" and action != "instance.create"
}
rule ix_region_in_ci {
  match where cloud.region in~ ["EASTUS", "Us-West-2"]
}
rule ix_type {
  match where resource.type == "snapshot" and status == "success"
}
rule ix_status_pending {
  match where status == "pending"
}
rule ix_error_or {
  match where error.code == "AccessDenied" or error.code in ["Client.UnauthorizedOperation", "UnauthorizedOperation"]
}
rule ix_error_missing {
  match where error.code in ["NoSuchCode"]
}
rule ix_actor_prefix {
  match where startswith(actor.user.uid, "arn:aws:iam::111122223333:user/")
}
rule ix_actor_two_prefixes {
  match where startswith(actor.user.uid, "arn:aws:sts::") and startswith(actor.user.uid, "arn:aws:sts::111122223333:assumed-role/")
}
rule ix_actor_empty_prefix {
  match where startswith(actor.user.uid, "") and action == "snapshot.delete"
}
rule ix_resources_any {
  match where resources.uid == "projects/acme-prod/zones/us-central1-a/instances/web-1"
}
rule ix_resources_in {
  match where resources.uid in ["projects/acme-prod/global/snapshots", "nothing"]
}
rule ix_resources_not_first {
  match where resources.uid in ["i-EXAMPLEaff4840c22", "snap-abcdef01234567890", "i-7b4cdace", "i-00000000000000001"]
}
rule ix_resources_ci {
  match where resources.uid in~ ["/subscriptions/7f3c1a52-5b1e-4c39-9d6e-2a9b8c4d1e07/resourcegroups/app-rg/providers/microsoft.compute/virtualmachines/app-vm-2"]
}
rule ix_resource_ci {
  match where resource.uid =~ "/Subscriptions/7F3C1A52-5B1E-4C39-9D6E-2A9B8C4D1E07/resourceGroups/APP-RG/providers/Microsoft.Compute/virtualMachines/APP-VM-2"
}
rule ix_operation_ci {
  match where api.operation in~ ["runinstances", "TERMINATEINSTANCES"] and status == "success"
}
rule ix_no_filter {
  match where action == "snapshot.delete"
}
rule ix_negated {
  match where not (cloud.region == "us-east-1") and action == "instance.delete"
}
rule ix_or_two_fields {
  match where cloud.region == "us-west-2" or resource.type == "volume"
}
rule ix_or_same_field {
  match where (cloud.region == "us-west-2" and status == "success") or cloud.region == "eastus"
}
rule ix_and_narrows {
  match where cloud.region == "us-east-1" and cloud.region in ["us-east-1", "us-west-2"]
}
rule ix_and_contradicts {
  match where cloud.region == "us-east-1" and cloud.region == "us-west-2"
}
rule ix_except {
  match where cloud.region == "us-east-1" and action in ["snapshot.create", "snapshot.delete"]
  except where actor.user.uid == "arn:aws:iam::111122223333:user/alice"
}
rule ix_count {
  match where cloud.region == "us-east-1" and action in ["instance.create", "instance.delete", "snapshot.create", "snapshot.delete"]
  count by actor.user.uid within 1h >= 2
}
rule ix_distinct {
  match where cloud.region in ["us-east-1", "us-west-2", "eastus"]
  distinct resource.uid by actor.user.uid within 1h >= 2
}
rule ix_new {
  match where cloud.region in ["us-east-1", "us-west-2"] and action == "instance.create"
  new actor.user.uid within 30d learn 1m
}
rule ix_sequence_same_region {
  sequence by actor.user.uid within 1d
    made: where cloud.region == "us-east-1" and action == "snapshot.create"
    gone: where cloud.region == "us-east-1" and action in ["snapshot.delete", "snapshot.modify", "volume.create"]
}
rule ix_sequence_two_regions {
  sequence by actor.user.uid within 1d
    made: where cloud.region == "us-east-1" and action == "instance.create"
    gone: where cloud.region in ["us-west-2", "us-east-1"] and action in ["instance.delete", "instance.stop"]
  until where cloud.region == "us-east-1" and action == "snapshot.create"
}
rule ix_sequence_unfiltered_stage {
  sequence by actor.user.uid within 1d
    made: where cloud.region == "us-east-1" and action == "instance.create"
    gone: where action in ["instance.delete", "instance.stop"]
}
EOF

"$BIN/rulec" build rules/t1578 "$T/rules" -o "$T/on.rpk" 2>"$T/err" || fail "rulec build"
"$BIN/rulec" build rules/t1578 "$T/rules" -o "$T/off.rpk" --disable-pass index 2>"$T/err" ||
  fail "rulec build --disable-pass index"
"$BIN/rulec" explain --stage=bytecode "$T/rules/index.rules" >"$T/bc" 2>"$T/err" ||
  fail "rulec explain"
filters=$(grep -c '^  index: ' "$T/bc")
[ "$filters" -ge 20 ] || fail "only $filters index filters in the explain dump"
grep -q 'index: F[0-9]* cloud.region in~ \["us-east-1"\]' "$T/bc" || fail "=~ filter not lower-cased"
grep -q 'index: F[0-9]* actor.user.uid startswith' "$T/bc" || fail "no prefix filter"
grep -q 'index: F[0-9]* resources.uid in' "$T/bc" || fail "no string_list filter"
"$BIN/rdl_gen_stream" --records 3000 --seed 11 --out "$T" --name gen >/dev/null 2>"$T/err" ||
  fail "gen_stream"

total=0
inputs=(tests/data/corpus tests/data/formats samples/demo
        "$T/gen.cloudtrail.jsonl" "$T/gen.azure.jsonl" "$T/gen.gcp.jsonl")
RUN_FLAGS=("" --no-prefilter)
for input in "${inputs[@]}"; do
  same_alerts "$input" "$T/on.rpk" "$T/off.rpk"
  ref=$REF
  n=$(grep -c '"rule":"ix_' "$ref")
  total=$((total + n))
  echo "$input: $(wc -l <"$ref") alerts ($n from the index rules), identical in 4 runs"
done
# The comparison means something only if the index rules fire.
[ "$total" -ge 500 ] || fail "the index rules raised only $total alerts"
fired=$(cat "$T"/*.on.sorted | grep -o '"rule":"ix_[a-z_]*"' | sort -u | wc -l)
[ "$fired" -ge 29 ] || fail "only $fired of the 32 index rules fired"
echo "ok"
