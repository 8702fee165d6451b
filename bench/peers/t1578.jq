# The four reference detections of the T1578 pack, written in jq over raw
# CloudTrail records (one per line), for the benchmark peers (jq 1.6 and
# gojq run this same file):
#
#   jq -n -r -f bench/peers/t1578.jq FILE.cloudtrail.jsonl
#
# Prints one finding per line: rule, key, id of the completing event, time
# (tab-separated), as bench/check.py reads them. Input must be in event-time
# order (the generator's is); no reorder buffer.
#
# Same logic as rules/t1578 over the CloudTrail operations that
# stdlib/providers/aws.json maps to the rules' actions, with the pack's
# exceptions (automation_actor, change_approved) and the engine's semantics
# (docs/semantics.md):
#   snapshot_shared_externally   single event; suppress by resource.uid for 1h
#   snapshot_deletion_burst      distinct resource.uid by actor within 10m >= 3
#   quota_increase_multi_region  distinct region by actor within 1h >= 3
#   instance_stop_modify_start   sequence by resource.uid within 1h: stop,
#                                modify and start by the same principal
# A threshold fires once and re-arms when no matching event of the key has
# been seen for the window's span. A sequence keeps at most one partial per
# stage and key; a new stop replaces the waiting one; `within` runs from the
# stop. A multi-instance call is handled per instance.

# ------------------------------------------------------------ pack lists --
def automation_services: {"autoscaling.amazonaws.com": 1, "backup.amazonaws.com": 1, "dlm.amazonaws.com": 1,
  "cloudformation.amazonaws.com": 1, "servicecatalog.amazonaws.com": 1, "elasticbeanstalk.amazonaws.com": 1,
  "elasticmapreduce.amazonaws.com": 1, "eks.amazonaws.com": 1, "ecs.amazonaws.com": 1, "batch.amazonaws.com": 1,
  "spot.amazonaws.com": 1, "spotfleet.amazonaws.com": 1, "ssm.amazonaws.com": 1, "imagebuilder.amazonaws.com": 1,
  "drs.amazonaws.com": 1, "AWS Internal": 1};
def automation_principals: {"arn:aws:iam::000000000000:role/example-automation-role": 1,
  "example-automation@example-project.iam.gserviceaccount.com": 1};
def trusted_share_accounts: {"000000000000": 1};

def actor: .userIdentity.arn // .userIdentity.invokedBy // .userIdentity.principalId;
def issuer: .userIdentity.sessionContext.sessionIssuer.arn;
def succeeded: .errorCode == null;

def automation_actor:
     (.userIdentity.invokedBy as $s | $s != null and automation_services[$s] != null)
  or .userIdentity.type == "AWSService"
  or (actor as $a | $a != null and automation_principals[$a] != null)
  or (issuer as $i | $i != null and automation_principals[$i] != null)
  or (issuer as $i | $i != null and ($i | test(":role/(aws-service-role/|terraform|pulumi|atlantis|spacelift|env0|github-actions|gitlab-ci|cdk-|cloudformation|stacksets-exec)"; "i")));

# tag("change-ticket") from the request's tag specifications.
def change_tag:
  first((.requestParameters.tagSpecificationSet.items[]?.tags[]?, .requestParameters.TagSpecification.Tag[]?
         | select((.key // .Key) == "change-ticket") | (.value // .Value)), null);
def ticket: type == "string" and test("^(CHG|CR)[0-9]+$");
def change_approved: (change_tag | ticket) or (.userIdentity.sessionContext.sourceIdentity | ticket);
def excepted: automation_actor or change_approved;

# ------------------------------------------------ operations -> actions --
def share_op: {"ModifySnapshotAttribute": 1, "ModifyImageAttribute": 1, "ResetSnapshotAttribute": 1,
  "ModifySnapshotTier": 1, "CompleteSnapshot": 1, "PutSnapshotBlock": 1, "ResetImageAttribute": 1,
  "ModifyDBSnapshotAttribute": 1, "ModifyDBClusterSnapshotAttribute": 1};
def delete_op: {"DeleteSnapshot": 1, "DeleteDBSnapshot": 1, "DeleteDBClusterSnapshot": 1, "DeleteRecoveryPoint": 1,
  "DeleteBackupVault": 1, "DeleteDBInstanceAutomatedBackup": 1, "DeleteDBClusterAutomatedBackup": 1};
def seq_op: {"StopInstances": "stop", "StopDBInstance": "stop", "StopDBCluster": "stop",
  "StartInstances": "start", "StartDBInstance": "start", "StartDBCluster": "start",
  "ModifyInstanceAttribute": "modify", "ModifyInstanceMetadataOptions": "modify", "ResetInstanceAttribute": "modify",
  "AssociateIamInstanceProfile": "modify", "ReplaceIamInstanceProfileAssociation": "modify",
  "DisassociateIamInstanceProfile": "modify", "CreateLaunchTemplate": "modify", "CreateLaunchTemplateVersion": "modify",
  "ModifyLaunchTemplate": "modify", "ModifyDBInstance": "modify", "ModifyDBCluster": "modify"};

def rp: .requestParameters;
def share_uid: rp | (.snapshotId // .imageId // .ModifySnapshotTierRequest.SnapshotId // .dBSnapshotIdentifier
                     // .dBClusterSnapshotIdentifier);
def share_adds:
  rp | [(.createVolumePermission.add.items[]?, .launchPermission.add.items[]?
         | (.userId, .group, .organizationArn, .organizationalUnitArn) | select(. != null)),
        (.valuesToAdd[]? // empty)];
def share_public:
  rp | any(.createVolumePermission.add.items[]?, .launchPermission.add.items[]?; .group == "all")
       or any(.valuesToAdd[]?; . == "all");
def own_account: .recipientAccountId // .userIdentity.accountId;
def shared_outside:
  own_account as $own
  | share_public or any(share_adds[]; . != $own and trusted_share_accounts[.] == null);

def delete_uid: rp | (.snapshotId // .dBSnapshotIdentifier // .dBClusterSnapshotIdentifier // .recoveryPointArn
                      // .backupVaultName // .dbiResourceId // .dBInstanceAutomatedBackupsArn // .dbClusterResourceId);
# resource.uid of the sequence operations: every id of a multi-instance call.
def seq_uids:
  [ (rp.instancesSet.items[]?.instanceId),
    (rp | .instanceId // .ModifyInstanceMetadataOptionsRequest.InstanceId
          // .AssociateIamInstanceProfileRequest.InstanceId // .dBInstanceIdentifier // .dBClusterIdentifier
          // .ModifyLaunchTemplateRequest.LaunchTemplateId // .CreateLaunchTemplateVersionRequest.LaunchTemplateId),
    (.responseElements | objects | .ReplaceIamInstanceProfileAssociationResponse.iamInstanceProfileAssociation.instanceId
          // .DisassociateIamInstanceProfileResponse.iamInstanceProfileAssociation.instanceId
          // .CreateLaunchTemplateResponse.launchTemplate.launchTemplateId)
  ] | map(select(. != null)) | unique;

def out($rule; $key; $t): [$rule, $key, .eventID, .eventTime] | @tsv;

# Distinct threshold step: state {seen: {value: t}, last, fired} of one key.
def distinct_step($st; $value; $t; $span; $n):
  (if $st == null or $t - $st.last >= $span then {seen: {}, fired: false} else $st end) as $s
  | if $s.fired then {state: ($s | .last = $t), fire: false}
    else ($s.seen | with_entries(select(.value > $t - $span)) | .[$value] = $t) as $seen
         | if ($seen | length) >= $n then {state: {seen: {}, fired: true, last: $t}, fire: true}
           else {state: {seen: $seen, fired: false, last: $t}, fire: false} end
    end;

foreach (inputs | select(.readOnly != true)) as $r (
  {share: {}, del: {}, quota: {}, s1: {}, s2: {}, emit: []};
  .emit = []
  | ($r.eventName) as $op
  | if share_op[$op] != null or delete_op[$op] != null or seq_op[$op] != null
       or $op == "RequestServiceQuotaIncrease" then
      if ($r | succeeded and (excepted | not)) then
        ($r.eventTime | fromdateiso8601) as $t
        | if share_op[$op] != null then
            if ($r | shared_outside) then
              ($r | share_uid) as $uid
              | if .share[$uid] != null and $t < .share[$uid] + 3600 then .
                else .share[$uid] = $t | .emit += [$r | out("snapshot_shared_externally"; $uid; $t)] end
            else . end
          elif delete_op[$op] != null then
            ($r | actor) as $a
            | distinct_step(.del[$a]; ($r | delete_uid); $t; 600; 3) as $d
            | .del[$a] = $d.state
            | if $d.fire then .emit += [$r | out("snapshot_deletion_burst"; $a; $t)] else . end
          elif $op == "RequestServiceQuotaIncrease" then
            if $r.eventSource == "servicequotas.amazonaws.com" then
              ($r | actor) as $a
              | distinct_step(.quota[$a]; $r.awsRegion; $t; 3600; 3) as $d
              | .quota[$a] = $d.state
              | if $d.fire then .emit += [$r | out("quota_increase_multi_region"; $a; $t)] else . end
            else . end
          else
            ($r | actor) as $a
            | seq_op[$op] as $kind
            | reduce ($r | seq_uids[]) as $k (.;
                if $kind == "start" then
                  # stages are tried last to first: start completes a modified partial
                  if .s2[$k] != null and $t <= .s2[$k].t0 + 3600 and $a == .s2[$k].actor then
                    .emit += [$r | out("instance_stop_modify_start"; $k; $t)] | del(.s2[$k])
                  else . end
                elif $kind == "modify" then
                  if .s1[$k] != null and $t <= .s1[$k].t0 + 3600 and $a == .s1[$k].actor then
                    .s2[$k] = .s1[$k] | del(.s1[$k])
                  else . end
                else
                  .s1[$k] = {t0: $t, actor: $a}
                end)
          end
      else . end
    else . end;
  .emit[]
)
