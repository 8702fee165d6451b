// The four reference detections of the T1578 pack in DuckDB SQL over raw
// CloudTrail records (one per line), for the benchmark peers:
//
//   node bench/peers/duckdb.mjs FILE.cloudtrail.jsonl [THREADS]
//
// One scan of the file (read_ndjson with the columns the detections need;
// nested objects kept as JSON) keeps the records of the operations the four
// rules look at, then SQL computes the single-event rule with its
// suppression, the two sliding-window distinct thresholds (fire once,
// re-arm when the key's window empties) and the stop -> modify -> start
// sequence with the engine's partial-match semantics. Same logic and
// operation lists as bench/peers/t1578.jq (see there and docs/semantics.md).
// Prints one finding per line (rule, key, event id, time; tab-separated)
// on stdout and the phase timings on stderr. Single-threaded by default
// (SET threads=1), as the other tools.
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const threads = process.argv[3] || '1';
if (!file) {
  console.error('usage: node duckdb.mjs FILE.cloudtrail.jsonl [THREADS]');
  process.exit(2);
}
const q = (s) => "'" + String(s).replaceAll("'", "''") + "'";
const list = (xs) => xs.map(q).join(', ');

// Pack lists (stdlib/lists) and operation -> action tables (stdlib/providers/aws.json).
const automationServices = ['autoscaling.amazonaws.com', 'backup.amazonaws.com', 'dlm.amazonaws.com',
  'cloudformation.amazonaws.com', 'servicecatalog.amazonaws.com', 'elasticbeanstalk.amazonaws.com',
  'elasticmapreduce.amazonaws.com', 'eks.amazonaws.com', 'ecs.amazonaws.com', 'batch.amazonaws.com',
  'spot.amazonaws.com', 'spotfleet.amazonaws.com', 'ssm.amazonaws.com', 'imagebuilder.amazonaws.com',
  'drs.amazonaws.com', 'AWS Internal'];
const automationPrincipals = ['arn:aws:iam::000000000000:role/example-automation-role',
  'example-automation@example-project.iam.gserviceaccount.com'];
const trustedAccounts = ['000000000000'];
const shareOps = ['ModifySnapshotAttribute', 'ModifyImageAttribute', 'ResetSnapshotAttribute', 'ModifySnapshotTier',
  'CompleteSnapshot', 'PutSnapshotBlock', 'ResetImageAttribute', 'ModifyDBSnapshotAttribute',
  'ModifyDBClusterSnapshotAttribute'];
const deleteOps = ['DeleteSnapshot', 'DeleteDBSnapshot', 'DeleteDBClusterSnapshot', 'DeleteRecoveryPoint',
  'DeleteBackupVault', 'DeleteDBInstanceAutomatedBackup', 'DeleteDBClusterAutomatedBackup'];
const stopOps = ['StopInstances', 'StopDBInstance', 'StopDBCluster'];
const startOps = ['StartInstances', 'StartDBInstance', 'StartDBCluster'];
const modifyOps = ['ModifyInstanceAttribute', 'ModifyInstanceMetadataOptions', 'ResetInstanceAttribute',
  'AssociateIamInstanceProfile', 'ReplaceIamInstanceProfileAssociation', 'DisassociateIamInstanceProfile',
  'CreateLaunchTemplate', 'CreateLaunchTemplateVersion', 'ModifyLaunchTemplate', 'ModifyDBInstance',
  'ModifyDBCluster'];
const allOps = [...shareOps, ...deleteOps, ...stopOps, ...startOps, ...modifyOps, 'RequestServiceQuotaIncrease'];

const load = `
CREATE TEMP TABLE ev AS
WITH raw AS (
  SELECT eventTime, eventName, eventSource, awsRegion, eventID, recipientAccountId,
         userIdentity AS ui, requestParameters AS rp, responseElements AS re
  FROM read_ndjson(${q(file)}, columns = {
    eventTime: 'VARCHAR', eventName: 'VARCHAR', eventSource: 'VARCHAR', awsRegion: 'VARCHAR',
    eventID: 'VARCHAR', errorCode: 'VARCHAR', readOnly: 'BOOLEAN', recipientAccountId: 'VARCHAR',
    userIdentity: 'JSON', requestParameters: 'JSON', responseElements: 'JSON'},
    maximum_object_size = 16777216)
  WHERE eventName IN (${list(allOps)}) AND errorCode IS NULL AND readOnly IS NOT TRUE
), x AS (
  SELECT *,
    coalesce(ui->>'arn', ui->>'invokedBy', ui->>'principalId') AS actor,
    ui->'sessionContext'->'sessionIssuer'->>'arn' AS issuer,
    ui->'sessionContext'->>'sourceIdentity' AS source_identity,
    (SELECT coalesce(t->>'value', t->>'Value') FROM (
       SELECT unnest(coalesce(CAST(json_extract(rp, '$.tagSpecificationSet.items[*].tags[*]') AS JSON[]), [])
                     || coalesce(CAST(json_extract(rp, '$.TagSpecification.Tag[*]') AS JSON[]), [])) AS t)
     WHERE coalesce(t->>'key', t->>'Key') = 'change-ticket' LIMIT 1) AS change_tag
  FROM raw
)
SELECT row_number() OVER () AS rid, epoch(CAST(eventTime AS TIMESTAMP)) AS t, *
FROM x
WHERE NOT (
     coalesce(ui->>'invokedBy' IN (${list(automationServices)}), false)
  OR coalesce(ui->>'type' = 'AWSService', false)
  OR coalesce(actor IN (${list(automationPrincipals)}), false)
  OR coalesce(issuer IN (${list(automationPrincipals)}), false)
  OR coalesce(regexp_matches(issuer, ':role/(aws-service-role/|terraform|pulumi|atlantis|spacelift|env0|github-actions|gitlab-ci|cdk-|cloudformation|stacksets-exec)', 'i'), false)
  OR coalesce(regexp_full_match(change_tag, '(CHG|CR)[0-9]+'), false)
  OR coalesce(regexp_full_match(source_identity, '(CHG|CR)[0-9]+'), false))`;

// (a) snapshot_shared_externally, suppress by resource.uid for 1h.
const sharing = `
WITH RECURSIVE s AS (
  SELECT rid, t, eventID, eventTime,
    coalesce(rp->>'snapshotId', rp->>'imageId', rp->'ModifySnapshotTierRequest'->>'SnapshotId',
             rp->>'dBSnapshotIdentifier', rp->>'dBClusterSnapshotIdentifier') AS uid,
    coalesce(recipientAccountId, ui->>'accountId') AS own,
    list_concat(
      coalesce(CAST(json_extract(rp, '$.createVolumePermission.add.items[*]') AS JSON[]), []),
      coalesce(CAST(json_extract(rp, '$.launchPermission.add.items[*]') AS JSON[]), [])) AS items,
    coalesce(json_extract_string(rp, '$.valuesToAdd[*]'), []) AS values_to_add
  FROM ev WHERE eventName IN (${list(shareOps)})
), o AS (
  SELECT *, row_number() OVER (PARTITION BY uid ORDER BY t, rid) AS rn FROM s
  WHERE list_bool_or(list_transform(items, i -> coalesce(i->>'group' = 'all', false)))
     OR list_contains(values_to_add, 'all')
     OR len(list_filter(
          list_concat(list_filter(list_transform(items, i -> coalesce(i->>'userId', i->>'group', i->>'organizationArn',
                                                                       i->>'organizationalUnitArn')), a -> a IS NOT NULL),
                      values_to_add),
          a -> a <> own AND a NOT IN (${list(trustedAccounts)}))) > 0
), f(uid, rn, t, eventID, eventTime, last_fired, fired) AS (
  SELECT uid, rn, t, eventID, eventTime, t, true FROM o WHERE rn = 1
  UNION ALL
  SELECT o.uid, o.rn, o.t, o.eventID, o.eventTime,
         CASE WHEN o.t >= f.last_fired + 3600 THEN o.t ELSE f.last_fired END, o.t >= f.last_fired + 3600
  FROM f JOIN o ON o.uid = f.uid AND o.rn = f.rn + 1
)
SELECT 'snapshot_shared_externally' AS rule, uid AS key, eventID, eventTime FROM f WHERE fired`;

// (b), (c): distinct VALUE by actor within SPAN >= N. Fires at the first event
// of a burst (events of the key less than SPAN apart) whose window holds N
// distinct values; the key re-arms after SPAN without a matching event.
const distinct = (rule, where, value, span, n) => `
WITH d AS (
  SELECT rid, t, eventID, eventTime, actor, ${value} AS v FROM ev WHERE ${where}
), g AS (
  SELECT *, sum(CASE WHEN prev IS NULL OR t - prev >= ${span} THEN 1 ELSE 0 END)
              OVER (PARTITION BY actor ORDER BY t, rid ROWS UNBOUNDED PRECEDING) AS burst
  FROM (SELECT *, lag(t) OVER (PARTITION BY actor ORDER BY t, rid) AS prev FROM d)
), w AS (
  SELECT g.rid, g.t, g.eventID, g.eventTime, g.actor, g.burst,
         (SELECT count(DISTINCT h.v) FROM d h
           WHERE h.actor = g.actor AND h.t > g.t - ${span} AND (h.t < g.t OR (h.t = g.t AND h.rid <= g.rid))) AS cnt
  FROM g
)
SELECT ${q(rule)} AS rule, actor AS key, arg_min(eventID, rid) AS eventID, arg_min(eventTime, rid) AS eventTime
FROM w WHERE cnt >= ${n} GROUP BY actor, burst`;

const deletion = distinct('snapshot_deletion_burst', `eventName IN (${list(deleteOps)})`,
  `coalesce(rp->>'snapshotId', rp->>'dBSnapshotIdentifier', rp->>'dBClusterSnapshotIdentifier', rp->>'recoveryPointArn',
            rp->>'backupVaultName', rp->>'dbiResourceId', rp->>'dBInstanceAutomatedBackupsArn', rp->>'dbClusterResourceId')`,
  600, 3);
const quota = distinct('quota_increase_multi_region',
  `eventName = 'RequestServiceQuotaIncrease' AND eventSource = 'servicequotas.amazonaws.com'`, 'awsRegion', 3600, 3);

// (d) stop -> modify -> start by the stopping principal within 1h of the stop,
// keyed by instance. A modify advances the partial of the latest stop (once);
// a start completes the latest advanced partial (once).
const sequence = `
WITH s AS (
  SELECT rid, t, eventID, eventTime, actor,
    CASE WHEN eventName IN (${list(stopOps)}) THEN 'stop' WHEN eventName IN (${list(startOps)}) THEN 'start'
         ELSE 'modify' END AS kind,
    unnest(list_distinct(list_filter(list_concat(
      coalesce(json_extract_string(rp, '$.instancesSet.items[*].instanceId'), []),
      [coalesce(rp->>'instanceId', rp->'ModifyInstanceMetadataOptionsRequest'->>'InstanceId',
                rp->'AssociateIamInstanceProfileRequest'->>'InstanceId', rp->>'dBInstanceIdentifier',
                rp->>'dBClusterIdentifier', rp->'ModifyLaunchTemplateRequest'->>'LaunchTemplateId',
                rp->'CreateLaunchTemplateVersionRequest'->>'LaunchTemplateId')],
      [coalesce(re->'ReplaceIamInstanceProfileAssociationResponse'->'iamInstanceProfileAssociation'->>'instanceId',
                re->'DisassociateIamInstanceProfileResponse'->'iamInstanceProfileAssociation'->>'instanceId',
                re->'CreateLaunchTemplateResponse'->'launchTemplate'->>'launchTemplateId')]), u -> u IS NOT NULL))) AS uid
  FROM ev WHERE eventName IN (${list([...stopOps, ...startOps, ...modifyOps])})
), m AS (
  SELECT *, last_value(CASE WHEN kind = 'stop' THEN {'rid': rid, 't': t, 'actor': actor} END IGNORE NULLS)
              OVER (PARTITION BY uid ORDER BY t, rid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS stop
  FROM s
), adv AS (
  SELECT uid, stop.rid AS stop_rid, min(rid) AS rid FROM m
  WHERE kind = 'modify' AND stop IS NOT NULL AND actor = stop.actor AND t <= stop.t + 3600
  GROUP BY uid, stop.rid
), a AS (
  SELECT m.*, (adv.rid IS NOT NULL) AS advances FROM m LEFT JOIN adv ON adv.uid = m.uid AND adv.rid = m.rid
), c AS (
  SELECT *, last_value(CASE WHEN advances THEN {'rid': rid, 't': stop.t, 'actor': stop.actor} END IGNORE NULLS)
              OVER (PARTITION BY uid ORDER BY t, rid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS partial
  FROM a
)
SELECT 'instance_stop_modify_start' AS rule, uid AS key, arg_min(eventID, rid) AS eventID,
       arg_min(eventTime, rid) AS eventTime
FROM c WHERE kind = 'start' AND partial IS NOT NULL AND actor = partial.actor AND t <= partial.t + 3600
GROUP BY uid, partial.rid`;

const t0 = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
await con.run(`SET threads = ${Number(threads)}`);
await con.run('SET preserve_insertion_order = true');
const t1 = performance.now();
await con.run(load);
const t2 = performance.now();
const out = [];
for (const sql of [sharing, deletion, quota, sequence]) {
  const reader = await con.runAndReadAll(sql);
  for (const row of reader.getRows()) out.push(row.map((v) => String(v)).join('\t'));
}
const t3 = performance.now();
process.stdout.write(out.length ? out.join('\n') + '\n' : '');
const kept = (await con.runAndReadAll('SELECT count(*) FROM ev')).getRows()[0][0];
console.error(JSON.stringify({ tool: 'duckdb', threads: Number(threads), kept_rows: Number(kept),
  startup_s: +((t1 - t0) / 1000).toFixed(3), scan_s: +((t2 - t1) / 1000).toFixed(3),
  detect_s: +((t3 - t2) / 1000).toFixed(3), findings: out.length }));
