#!/usr/bin/env python3
"""Writes the demo sample under samples/demo/: ten days (2026-01-05 ..
2026-01-14) of raw audit logs of a small estate on three clouds, in their
real delivery formats, with a handful of T1578 attack sequences on the last
two days, and samples/demo/EXPECTED.md, the alerts the rules/t1578 pack must
raise on it.

  AWS    CloudTrail log files as delivered to S3:
         AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
           <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
         each a gzip'd {"Records": [...]}.
  Azure  Activity Log exported by a diagnostic setting to a storage account:
         insights-activity-logs/resourceId=/SUBSCRIPTIONS/<SUB>/y=YYYY/m=MM/
           d=DD/h=HH/m=00/PT1H.json, one JSON record per line.
  GCP    Cloud Audit Logs routed by a log sink to Cloud Storage:
         cloudaudit.googleapis.com/{activity,data_access}/YYYY/MM/DD/
           HH:00:00_HH:59:59_S0.json, one LogEntry per line.

Most records are routine read-only calls and expected automation (backups,
autoscaling, IaC). The first seven days are the baseline the `new ...`
rules learn from; every routine write repeats daily so it is learnt.

Deterministic: a fixed seed, no wall clock, gzip headers without names or
times. Python 3 standard library only.

  python3 bench/gen/gen_sample.py [--out samples/demo]
"""

import argparse
import datetime as dt
import gzip
import io
import json
import os
import random
import shutil
import uuid

SEED = 1578
START = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
DAYS = 10

rng = random.Random(SEED)


# ---------------------------------------------------------------- helpers

def ts(t, frac=None):
    """RFC 3339 UTC: whole seconds (CloudTrail) or `frac` fractional digits
    (Azure writes 7, GCP 6 or 9)."""
    if frac is None:
        return t.strftime('%Y-%m-%dT%H:%M:%SZ')
    digits = ('%06d' % t.microsecond + '000')[:frac]
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + digits + 'Z'


def at(day, hh, mm=0, ss=0):
    return START + dt.timedelta(days=day, hours=hh, minutes=mm, seconds=ss)


def jitter(t, seconds):
    return t + dt.timedelta(seconds=rng.randint(0, seconds), microseconds=rng.randint(0, 999999))


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def hexid(n):
    return ''.join(rng.choice('0123456789abcdef') for _ in range(n))


def alnum(n, chars='ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'):
    return ''.join(rng.choice(chars) for _ in range(n))


def kebab(name):
    """DescribeInstances -> describe-instances (the aws-cli command name)."""
    return ''.join('-' + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def ms(t):
    return int(t.timestamp() * 1000)


# ====================================================================== AWS

ACCT = '111122223333'
FOREIGN = '999988887777'           # the adversary's account (snapshot share)
HOME = 'us-east-1'
REGIONS = ['us-east-1', 'us-west-2']

AWS = []  # CloudTrail records


def iam_user(name, key=None):
    return {'type': 'IAMUser', 'principalId': 'AIDA' + alnum(17), 'arn': 'arn:aws:iam::%s:user/%s' % (ACCT, name),
            'accountId': ACCT, 'accessKeyId': key or 'AKIA' + alnum(16), 'userName': name}


def role_session(role, session, path='', invoked_by=None, source_identity=None, mfa=False, created=None):
    ctx = {'sessionIssuer': {'type': 'Role', 'principalId': 'AROA' + alnum(17),
                             'arn': 'arn:aws:iam::%s:role/%s%s' % (ACCT, path, role), 'accountId': ACCT, 'userName': role},
           'webIdFederationData': {},
           'attributes': {'creationDate': ts(created or START), 'mfaAuthenticated': 'true' if mfa else 'false'}}
    if source_identity:
        ctx['sourceIdentity'] = source_identity
    u = {'type': 'AssumedRole', 'principalId': 'AROA' + alnum(17) + ':' + session,
         'arn': 'arn:aws:sts::%s:assumed-role/%s/%s' % (ACCT, role, session), 'accountId': ACCT,
         'accessKeyId': 'ASIA' + alnum(16), 'sessionContext': ctx}
    if invoked_by:
        u['invokedBy'] = invoked_by
    return u


class P:
    """A principal: its userIdentity, where it calls from and with what."""

    def __init__(self, ident, ip, ua, console=False):
        self.ident, self.ip, self.ua, self.console = ident, ip, ua, console


UA_CONSOLE = 'console.ec2.amazonaws.com'
UA_CLI = 'aws-cli/2.22.9 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0-1019-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#ec2.%s'
UA_BOTO = 'Boto3/1.35.81 md/Botocore#1.35.81 ua/2.0 os/linux#5.15.0-1064-aws md/arch#x86_64 lang/python#3.11.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.81'
UA_TF = 'APN/1.0 HashiCorp/1.0 Terraform/1.10.3 (+https://www.terraform.io) terraform-provider-aws/5.82.2 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.7 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.198.1'

alice = P(iam_user('alice'), '198.51.100.23', UA_CONSOLE, console=True)
dave = P(role_session('AWSReservedSSO_Developer_0a1b2c3d4e5f6a7b', 'dave@example.com',
                      path='aws-reserved/sso.amazonaws.com/', mfa=True), '198.51.100.57', UA_CLI)
terraform = P(role_session('terraform-deployer', 'terraform'), '10.20.4.17', UA_TF)
erin_chg = P(role_session('ops-oncall', 'erin@example.com', source_identity='CHG0012345', mfa=True), '198.51.100.61', UA_CLI)
datadog = P(role_session('DatadogIntegrationRole', 'datadog-aws-integration'), '3.233.147.31',
            'Datadog/1.0 aws-sdk-go/1.44.327 (go1.21.1; linux; amd64)')
svc_reporting = P(iam_user('svc-reporting', key='AKIAQ3EGR7KN2EXAMPLE'), '10.20.8.44', UA_BOTO)
jenkins = P(iam_user('jenkins-ci'), '10.20.6.12', UA_BOTO)
legacy = P(iam_user('legacy-admin'), '198.51.100.99', UA_CONSOLE, console=True)
backup = P(role_session('AWSBackupDefaultServiceRole', 'AWSBackup-AWSBackupDefaultServiceRole', path='service-role/',
                        invoked_by='backup.amazonaws.com'), 'backup.amazonaws.com', 'backup.amazonaws.com')
dlm = P(role_session('AWSDataLifecycleManagerDefaultRole', 'dlm-snapshot-expiry', path='service-role/',
                     invoked_by='dlm.amazonaws.com'), 'dlm.amazonaws.com', 'dlm.amazonaws.com')
asg = P(role_session('AWSServiceRoleForAutoScaling', 'AutoScaling', path='aws-service-role/autoscaling.amazonaws.com/',
                     invoked_by='autoscaling.amazonaws.com'), 'autoscaling.amazonaws.com', 'autoscaling.amazonaws.com')

# The estate
INSTANCES = {'us-east-1': ['i-0a1f3c5e7b9d24680', 'i-0b2e4d6f8a0c13579', 'i-0c3d5f7a9b1e2468a', 'i-0d4e6a8c0b2f3579b'],
             'us-west-2': ['i-0e5f7b9d1c3a4680c', 'i-0f6a8c0e2d4b5791d']}
WEB = 'i-0a1f3c5e7b9d24680'        # web-1, us-east-1
DB = 'i-0b2e4d6f8a0c13579'         # db-1, us-east-1
DAVE_DEV = 'i-0d4e6a8c0b2f3579b'   # dave's dev box
VOLUMES = {'us-east-1': ['vol-0a11b22c33d44e55f', 'vol-0b22c33d44e55f66a', 'vol-0c33d44e55f66a77b', 'vol-0d44e55f66a77b88c',
                         'vol-0e55f66a77b88c99d', 'vol-0f66a77b88c99d00e'],
           'us-west-2': ['vol-01a2b3c4d5e6f7a8b', 'vol-02b3c4d5e6f7a8b9c']}
DB_VOL = 'vol-0b22c33d44e55f66a'
DATA_VOL = 'vol-0c33d44e55f66a77b'


def ct(t, p, name, region=HOME, rp=None, re=None, source='ec2.amazonaws.com', read_only=False, error=None,
       event_type='AwsApiCall', extra=None):
    r = {'eventVersion': '1.10', 'userIdentity': p.ident, 'eventTime': ts(t), 'eventSource': source,
         'eventName': name, 'awsRegion': region, 'sourceIPAddress': p.ip,
         'userAgent': (p.ua % kebab(name)) if '%s' in p.ua else p.ua,
         'requestParameters': rp, 'responseElements': re}
    if error:
        r['errorCode'], r['errorMessage'] = error
        r['responseElements'] = None
    rid = uid()
    r.update({'requestID': rid, 'eventID': uid(), 'readOnly': read_only, 'eventType': event_type,
              'managementEvent': True, 'recipientAccountId': ACCT, 'eventCategory': 'Management'})
    if not p.ip.endswith('amazonaws.com'):
        r['tlsDetails'] = {'tlsVersion': 'TLSv1.3', 'cipherSuite': 'TLS_AES_128_GCM_SHA256',
                           'clientProvidedHostHeader': '%s.%s.amazonaws.com' % (source.split('.')[0], region)}
    if p.console:
        r['sessionCredentialFromConsole'] = 'true'
    if isinstance(re, dict) and 'requestId' in re:
        re['requestId'] = rid
    if extra:
        r.update(extra)
    AWS.append(r)
    return r


def items(key, values):
    return {'items': [{key: v} for v in values]}


def tags_spec(rtype, tags):
    return {'items': [{'resourceType': rtype, 'tags': [{'key': k, 'value': v} for k, v in tags.items()]}]}


# --- read-only calls
def aws_read(t, p, region):
    name = rng.choice(['DescribeInstances', 'DescribeInstances', 'DescribeInstances', 'DescribeInstanceStatus',
                       'DescribeVolumes', 'DescribeVolumes', 'DescribeSnapshots', 'DescribeImages',
                       'DescribeSecurityGroups', 'DescribeTags', 'DescribeAddresses'])
    rp = {
        'DescribeInstances': {'instancesSet': {}, 'filterSet': {}},
        'DescribeInstanceStatus': {'instancesSet': {}, 'filterSet': {}, 'includeAllInstances': True},
        'DescribeVolumes': {'volumeSet': {}, 'filterSet': {}},
        'DescribeSnapshots': {'snapshotSet': {}, 'ownersSet': {'items': [{'owner': 'self'}]}, 'sharedUsersSet': {},
                              'filterSet': {}},
        'DescribeImages': {'executableBySet': {}, 'imagesSet': {}, 'ownersSet': {'items': [{'owner': 'self'}]},
                           'filterSet': {}},
        'DescribeSecurityGroups': {'securityGroupSet': {}, 'securityGroupIdSet': {}, 'filterSet': {}},
        'DescribeTags': {'filterSet': {'items': [{'name': 'resource-type', 'valueSet': {'items': [{'value': 'instance'}]}}]}},
        'DescribeAddresses': {'publicIpsSet': {}, 'allocationIdsSet': {}, 'filterSet': {}},
    }[name]
    if name == 'DescribeInstances' and rng.random() < 0.3:
        rp = {'instancesSet': items('instanceId', [rng.choice(INSTANCES[region])]), 'filterSet': {}}
    ct(t, p, name, region, rp, None, read_only=True)


def aws_quota_read(t, p, region):
    ct(t, p, 'GetServiceQuota', region, {'serviceCode': 'ec2', 'quotaCode': 'L-1216C47A'}, None,
       source='servicequotas.amazonaws.com', read_only=True)


# --- writes
def run_instances(t, p, region, iid, itype, image='ami-0e2c8caa4b6378d8c', name='app', tags=None, error=None):
    tg = {'Name': name}
    tg.update(tags or {})
    rp = {'instancesSet': {'items': [{'imageId': image, 'minCount': 1, 'maxCount': 1}]}, 'instanceType': itype,
          'blockDeviceMapping': {}, 'monitoring': {'enabled': False}, 'disableApiTermination': False,
          'disableApiStop': False, 'clientToken': uid(),
          'networkInterfaceSet': {'items': [{'deviceIndex': 0, 'subnetId': 'subnet-0aa1bb2cc3dd4ee5f', 'associatePublicIpAddress': False}]},
          'tagSpecificationSet': tags_spec('instance', tg),
          'metadataOptions': {'httpTokens': 'required', 'httpPutResponseHopLimit': 2}}
    re = {'requestId': '', 'reservationId': 'r-0' + hexid(16), 'ownerId': ACCT, 'groupSet': {},
          'instancesSet': {'items': [{'instanceId': iid, 'imageId': image, 'currentInstanceBootMode': 'uefi',
                                      'instanceState': {'code': 0, 'name': 'pending'}, 'privateDnsName': 'ip-10-20-%d-%d.ec2.internal' % (rng.randint(0, 15), rng.randint(2, 250)),
                                      'amiLaunchIndex': 0, 'productCodes': {}, 'instanceType': itype, 'launchTime': ms(t),
                                      'placement': {'availabilityZone': region + 'a', 'tenancy': 'default'},
                                      'monitoring': {'state': 'disabled'}, 'subnetId': 'subnet-0aa1bb2cc3dd4ee5f',
                                      'vpcId': 'vpc-0a1b2c3d4e5f60718', 'architecture': 'x86_64', 'rootDeviceType': 'ebs',
                                      'rootDeviceName': '/dev/xvda', 'blockDeviceMapping': {}, 'virtualizationType': 'hvm',
                                      'tagSet': {'items': [{'key': k, 'value': v} for k, v in tg.items()]},
                                      'hypervisor': 'xen', 'ebsOptimized': False, 'enaSupport': True}]}}
    return ct(t, p, 'RunInstances', region, rp, re, error=error)


def instances_call(t, p, name, region, iid, prev, cur):
    rp = {'instancesSet': items('instanceId', [iid])}
    if name == 'StopInstances':
        rp['force'] = False
    if name == 'TerminateInstances':
        rp['skipOsShutdown'] = False
    re = {'requestId': '', 'instancesSet': {'items': [{'instanceId': iid, 'currentState': cur, 'previousState': prev}]}}
    return ct(t, p, name, region, rp, re)


RUNNING, STOPPING, STOPPED, PENDING, SHUTTING = ({'code': 16, 'name': 'running'}, {'code': 64, 'name': 'stopping'},
                                                 {'code': 80, 'name': 'stopped'}, {'code': 0, 'name': 'pending'},
                                                 {'code': 32, 'name': 'shutting-down'})


def stop(t, p, region, iid):
    return instances_call(t, p, 'StopInstances', region, iid, RUNNING, STOPPING)


def start(t, p, region, iid):
    return instances_call(t, p, 'StartInstances', region, iid, STOPPED, PENDING)


def terminate(t, p, region, iid):
    return instances_call(t, p, 'TerminateInstances', region, iid, RUNNING, SHUTTING)


def modify_attr(t, p, region, iid, **attr):
    rp = {'instanceId': iid}
    rp.update(attr)
    return ct(t, p, 'ModifyInstanceAttribute', region, rp, {'requestId': '', '_return': True})


def create_snapshot(t, p, region, vol, sid, desc='', tags=None):
    rp = {'volumeId': vol, 'description': desc}
    if tags:
        rp['tagSpecificationSet'] = tags_spec('snapshot', tags)
    re = {'requestId': '', 'snapshotId': sid, 'volumeId': vol, 'status': 'pending', 'startTime': ms(t), 'progress': '',
          'ownerId': ACCT, 'volumeSize': rng.choice([50, 100, 200]), 'encrypted': True,
          'kmsKeyId': 'arn:aws:kms:%s:%s:key/3f1e9c2a-7b4d-4e8a-9c61-5d2f0a7b8e14' % (region, ACCT),
          'description': desc, 'storageTier': 'standard'}
    return ct(t, p, 'CreateSnapshot', region, rp, re)


def delete_snapshot(t, p, region, sid):
    return ct(t, p, 'DeleteSnapshot', region, {'snapshotId': sid}, {'requestId': '', '_return': True})


def share_snapshot(t, p, region, sid, add=None, remove=None):
    perm = {}
    if add:
        perm['add'] = {'items': [{'userId': a} for a in add]}
    if remove:
        perm['remove'] = {'items': [{'userId': a} for a in remove]}
    return ct(t, p, 'ModifySnapshotAttribute', region,
              {'snapshotId': sid, 'attributeType': 'CREATE_VOLUME_PERMISSION', 'createVolumePermission': perm},
              {'requestId': '', '_return': True})


def create_volume(t, p, region, vid, snap=None, size=100, tags=None):
    rp = {'size': size, 'zone': region + 'a', 'volumeType': 'gp3', 'encrypted': True}
    if snap:
        rp['snapshotId'] = snap
    if tags:
        rp['tagSpecificationSet'] = tags_spec('volume', tags)
    re = {'requestId': '', 'volumeId': vid, 'size': str(size), 'zone': region + 'a', 'status': 'creating',
          'createTime': ms(t), 'volumeType': 'gp3', 'iops': 3000, 'encrypted': True, 'throughput': 125,
          'multiAttachEnabled': False}
    if snap:
        re['snapshotId'] = snap
    return ct(t, p, 'CreateVolume', region, rp, re)


def attach(t, p, region, vid, iid, device='/dev/sdf'):
    return ct(t, p, 'AttachVolume', region, {'volumeId': vid, 'instanceId': iid, 'device': device},
              {'requestId': '', 'volumeId': vid, 'instanceId': iid, 'device': device, 'status': 'attaching',
               'attachTime': ms(t), 'deleteOnTermination': False})


def detach(t, p, region, vid, iid, device='/dev/sdf'):
    return ct(t, p, 'DetachVolume', region, {'volumeId': vid, 'instanceId': iid, 'force': False},
              {'requestId': '', 'volumeId': vid, 'instanceId': iid, 'device': device, 'status': 'detaching',
               'attachTime': ms(t - dt.timedelta(days=40)), 'deleteOnTermination': False})


def delete_volume(t, p, region, vid):
    return ct(t, p, 'DeleteVolume', region, {'volumeId': vid}, {'requestId': '', '_return': True})


def quota_request(t, p, region, code, value, name):
    return ct(t, p, 'RequestServiceQuotaIncrease', region, {'serviceCode': 'ec2', 'quotaCode': code, 'desiredValue': value},
              {'requestedQuota': {'id': uid(), 'serviceCode': 'ec2', 'serviceName': 'Amazon Elastic Compute Cloud (Amazon EC2)',
                                  'quotaCode': code, 'quotaName': name, 'desiredValue': value, 'status': 'PENDING',
                                  'created': t.strftime('%b %d, %Y %-I:%M:%S %p'),
                                  'requester': json.dumps({'accountId': ACCT, 'callerArn': p.ident['arn']}, separators=(',', ':')),
                                  'quotaArn': 'arn:aws:servicequotas:%s:%s:ec2/%s' % (region, ACCT, code),
                                  'globalQuota': False, 'unit': 'None'}},
              source='servicequotas.amazonaws.com')


counter = {'snap': 0, 'inst': 0, 'vol': 0}


def new_id(kind):
    counter[kind] += 1
    prefix = {'snap': 'snap-0', 'inst': 'i-0', 'vol': 'vol-0'}[kind]
    return prefix + hexid(16)


def aws_routine(day):
    """One day of routine activity: reads, backups, autoscaling, IaC, people."""
    for region in REGIONS:
        # Datadog polls every ~10 minutes; people read during working hours.
        for slot in range(0, 24 * 6, 1):
            t = jitter(at(day, 0) + dt.timedelta(minutes=10 * slot), 120)
            if rng.random() < (0.45 if region == HOME else 0.2):
                aws_read(t, datadog, region)
        for p, n in ((alice, 14), (dave, 9), (svc_reporting, 5), (jenkins, 6), (terraform, 4)):
            for _ in range(n if region == HOME else n // 3):
                aws_read(jitter(at(day, 8), 9 * 3600), p, region)
    aws_quota_read(jitter(at(day, 9), 7 * 3600), alice, HOME)

    # AWS Backup, nightly: a burst of snapshots (automation); DLM expires old ones.
    for i, vol in enumerate(VOLUMES[HOME]):
        create_snapshot(jitter(at(day, 3, 0), 240), backup, HOME, vol, new_id('snap'),
                        desc='This snapshot is created by the AWS Backup service.')
    for i in range(len(VOLUMES[HOME])):
        delete_snapshot(jitter(at(day, 3, 30), 240), dlm, HOME, new_id('snap'))

    # Autoscaling: scale out in the morning, in at night.
    for region in REGIONS:
        iid = new_id('inst')
        run_instances(jitter(at(day, 7, 30), 600), asg, region, iid, 'm5.large', name='web-asg',
                      tags={'aws:autoscaling:groupName': 'web-asg'})
        terminate(jitter(at(day, 21, 0), 600), asg, region, iid)

    # Terraform pipeline: a build box, its data volume, a resize of an app server.
    iid, vid = new_id('inst'), new_id('vol')
    t = jitter(at(day, 10), 3600)
    run_instances(t, terraform, HOME, iid, 't3.large', name='ci-runner')
    create_volume(t + dt.timedelta(minutes=2), terraform, HOME, vid, size=50, tags={'Name': 'ci-cache'})
    attach(t + dt.timedelta(minutes=3), terraform, HOME, vid, iid)
    t = jitter(at(day, 17), 1800)
    detach(t, terraform, HOME, vid, iid)
    delete_volume(t + dt.timedelta(minutes=2), terraform, HOME, vid)
    terminate(t + dt.timedelta(minutes=3), terraform, HOME, iid)
    if day in (2, 9):   # planned resize by the pipeline: stop -> modify -> start (automation)
        t = jitter(at(day, 20), 600)
        stop(t, terraform, HOME, 'i-0c3d5f7a9b1e2468a')
        modify_attr(t + dt.timedelta(minutes=3), terraform, HOME, 'i-0c3d5f7a9b1e2468a', instanceType={'value': 'm5.xlarge'})
        start(t + dt.timedelta(minutes=4), terraform, HOME, 'i-0c3d5f7a9b1e2468a')

    # Alice: a test instance each day (t3.medium), terminated in the evening;
    # stops and starts dave's dev box around lunch (no change in between).
    iid = new_id('inst')
    run_instances(jitter(at(day, 9, 30), 1800), alice, HOME, iid, 't3.medium', name='alice-test')
    terminate(jitter(at(day, 18), 1800), alice, HOME, iid)
    if day % 2 == 0:
        stop(jitter(at(day, 12), 300), alice, HOME, DAVE_DEV)
        start(jitter(at(day, 13), 300), alice, HOME, DAVE_DEV)
    if day in (1, 8):
        # Alice revokes an old share of a snapshot (permission removed: no alert).
        share_snapshot(jitter(at(day, 15), 600), alice, HOME, 'snap-0' + hexid(16), remove=['444455556666'])

    # Dave restores yesterday's backup of his volume to test a migration,
    # attaches it to his dev box, and cleans up.
    if day in (1, 3, 5, 8):
        t = jitter(at(day, 14), 1800)
        vid = new_id('vol')
        create_volume(t, dave, HOME, vid, snap=new_id('snap'), size=100)
        attach(t + dt.timedelta(minutes=2), dave, HOME, vid, DAVE_DEV)
        detach(t + dt.timedelta(minutes=50), dave, HOME, vid, DAVE_DEV)
        delete_volume(t + dt.timedelta(minutes=52), dave, HOME, vid)
        if day != 8:
            create_snapshot(t + dt.timedelta(minutes=48), dave, HOME, vid, new_id('snap'), desc='migration test')


def aws_attacks():
    # A1 (day 8 = 2026-01-13 09:1x): stolen svc-reporting keys from a new IP.
    # Snapshots five production volumes in 8 minutes, shares the database
    # snapshot with the adversary's account.
    thief = P(svc_reporting.ident, '203.0.113.66', 'Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#6.1.0-27-amd64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.0')
    t = at(8, 9, 12, 5)
    ct(t, thief, 'DescribeVolumes', HOME, {'volumeSet': {}, 'filterSet': {}}, None, read_only=True)
    snaps = {}
    for i, vol in enumerate(VOLUMES[HOME][:5]):
        sid = 'snap-0%s' % hexid(16)
        snaps[vol] = sid
        create_snapshot(t + dt.timedelta(minutes=2 + 2 * i, seconds=rng.randint(0, 50)), thief, HOME, vol, sid)
    share_snapshot(at(8, 9, 31, 44), thief, HOME, snaps[DB_VOL], add=[FOREIGN])
    who = svc_reporting.ident['arn']
    expect('A1', at(8, 9, 22), 'snapshot_creation_burst', 'medium', 'aws', who,
           '5 snapshots of production volumes in ~8 minutes from a new IP (203.0.113.66)')
    expect('A1', at(8, 9, 31, 44), 'snapshot_created_then_shared', 'critical', 'aws', who,
           '%s (db-1 volume) created, then shared with %s 15 minutes later' % (snaps[DB_VOL], FOREIGN))
    expect('A1', at(8, 9, 31, 44), 'snapshot_shared_externally', 'high', 'aws', who,
           'ModifySnapshotAttribute createVolumePermission add userId %s on %s' % (FOREIGN, snaps[DB_VOL]))

    # A2 (day 8, 14:0x): compromised CI user: stop web-1, replace its user
    # data (boot script), start it again.
    t = at(8, 14, 2, 11)
    stop(t, jenkins, HOME, WEB)
    modify_attr(t + dt.timedelta(minutes=2, seconds=37), jenkins, HOME, WEB, userData='<sensitiveDataRemoved>')
    start(t + dt.timedelta(minutes=4, seconds=2), jenkins, HOME, WEB)
    who = jenkins.ident['arn']
    expect('A2', t + dt.timedelta(minutes=2, seconds=37), 'instance_startup_script_modified', 'high', 'aws', who,
           'ModifyInstanceAttribute userData on %s (web-1)' % WEB)
    expect('A2', t + dt.timedelta(minutes=4, seconds=2), 'instance_stop_modify_start', 'high', 'aws', who,
           'StopInstances -> ModifyInstanceAttribute -> StartInstances on %s within 5 minutes' % WEB)

    # Near miss (day 8, 16:xx): on-call resize with an approved change in the
    # session's source identity: stop -> modify type -> start.
    t = at(8, 16, 40, 3)
    stop(t, erin_chg, HOME, DB)
    modify_attr(t + dt.timedelta(minutes=3), erin_chg, HOME, DB, instanceType={'value': 'r6i.2xlarge'})
    start(t + dt.timedelta(minutes=5), erin_chg, HOME, DB)

    # A8 (day 8, 18:4x-19:0x): legacy-admin (dormant console user) snapshots
    # the data volume, launches a box, and moves the live data volume from
    # db-1 to it.
    t = at(8, 18, 41, 9)
    create_snapshot(t, legacy, HOME, DATA_VOL, 'snap-0' + hexid(16), desc='pre-maintenance')
    bastion = 'i-0' + hexid(16)
    run_instances(t + dt.timedelta(minutes=9), legacy, HOME, bastion, 't3.medium', name='legacy-bastion')
    detach(t + dt.timedelta(minutes=17), legacy, HOME, DATA_VOL, DB)
    attach(t + dt.timedelta(minutes=19, seconds=30), legacy, HOME, DATA_VOL, bastion)
    who = legacy.ident['arn']
    expect('A8', t + dt.timedelta(minutes=9), 'instance_created_by_new_principal', 'medium', 'aws', who,
           'first instance (%s) ever launched by this console user' % bastion)
    expect('A8', t + dt.timedelta(minutes=9), 'snapshot_created_then_instance_created', 'medium', 'aws', who,
           'snapshot of %s, then RunInstances 9 minutes later' % DATA_VOL)
    expect('A8', t + dt.timedelta(minutes=17), 'volume_change_by_new_principal', 'low', 'aws', who,
           'first volume.detach by this principal (%s from db-1 %s)' % (DATA_VOL, DB))
    expect('A8', t + dt.timedelta(minutes=19, seconds=30), 'volume_change_by_new_principal', 'low', 'aws', who,
           'first volume.attach by this principal (%s to %s)' % (DATA_VOL, bastion))
    expect('A8', t + dt.timedelta(minutes=19, seconds=30), 'volume_moved_between_instances', 'medium', 'aws', who,
           '%s detached from %s and attached to %s' % (DATA_VOL, DB, bastion))

    # A3 (day 9 = 2026-01-14 01:0x-02:xx): svc-reporting again: opt-in region
    # enabled, vCPU quota raised in four regions, a GPU instance launched in a
    # region the account never used.
    ct(at(9, 1, 2, 40), thief, 'EnableRegion', HOME, {'RegionName': 'ap-east-1'}, None, source='account.amazonaws.com')
    for i, region in enumerate(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1']):
        quota_request(at(9, 1, 6 + 7 * i, rng.randint(0, 59)), thief, region, 'L-DB2E81BA',
                      384.0, 'Running On-Demand G and VT instances')
    gpu = 'i-0' + hexid(16)
    run_instances(at(9, 2, 11, 19), thief, 'ap-southeast-1', gpu, 'g5.12xlarge',
                  image='ami-0497a974f8d5dcef8', name='worker')
    who = svc_reporting.ident['arn']
    expect('A3', at(9, 1, 2, 40), 'region_or_subscription_changed', 'medium', 'aws', who, 'EnableRegion ap-east-1')
    expect('A3', at(9, 1, 20), 'quota_increase_multi_region', 'high', 'aws', who,
           'RequestServiceQuotaIncrease L-DB2E81BA (G and VT vCPUs) in us-east-1, us-west-2, eu-west-1 (alert at the 3rd; ap-southeast-1 follows)')
    expect('A3', at(9, 2, 11, 19), 'instance_created_by_new_principal', 'medium', 'aws', who,
           'first instance launched by svc-reporting: %s' % gpu)
    expect('A3', at(9, 2, 11, 19), 'instance_created_in_new_region', 'medium', 'aws', who,
           'instance in ap-southeast-1, a region the account never launched in')
    expect('A3', at(9, 2, 11, 19), 'instance_type_new_to_account', 'low', 'aws', who,
           'g5.12xlarge, a type the account never used')

    # A4 (day 9, 10:xx): the CI user reverts web-1's root volume to an old
    # snapshot (wiping what ran on it) and disables EBS default encryption.
    t = at(9, 10, 5, 51)
    ct(t, jenkins, 'CreateReplaceRootVolumeTask', HOME,
       {'CreateReplaceRootVolumeTaskRequest': {'InstanceId': WEB, 'SnapshotId': 'snap-0' + hexid(16),
                                               'DeleteReplacedRootVolume': True, 'ClientToken': uid()}},
       {'CreateReplaceRootVolumeTaskResponse': {'replaceRootVolumeTask': {
           'replaceRootVolumeTaskId': 'replacevol-0' + hexid(16), 'instanceId': WEB, 'taskState': 'pending',
           'startTime': ts(t), 'deleteReplacedRootVolume': True}, 'requestId': uid()}})
    ct(t + dt.timedelta(minutes=6), jenkins, 'DisableEbsEncryptionByDefault', HOME,
       {'DisableEbsEncryptionByDefaultRequest': ''},
       {'DisableEbsEncryptionByDefaultResponse': {'requestId': uid(), 'ebsEncryptionByDefault': False}})
    who = jenkins.ident['arn']
    expect('A4', t, 'instance_reverted', 'medium', 'aws', who, 'CreateReplaceRootVolumeTask on %s (web-1)' % WEB)
    expect('A4', t + dt.timedelta(minutes=6), 'compute_account_setting_weakened', 'high', 'aws', who,
           'DisableEbsEncryptionByDefault in us-east-1')


def write_aws(out):
    by_file = {}
    for r in AWS:
        t = dt.datetime.strptime(r['eventTime'], '%Y-%m-%dT%H:%M:%SZ')
        block = t.replace(hour=t.hour - t.hour % 6, minute=0, second=0)
        # CloudTrail delivers a file ~5 minutes after the period it covers.
        key = (r['awsRegion'], block)
        by_file.setdefault(key, []).append(r)
    n = 0
    for (region, block), recs in sorted(by_file.items()):
        recs.sort(key=lambda r: r['eventTime'])
        d = os.path.join(out, 'AWSLogs', ACCT, 'CloudTrail', region, block.strftime('%Y'), block.strftime('%m'),
                         block.strftime('%d'))
        os.makedirs(d, exist_ok=True)
        name = '%s_CloudTrail_%s_%s_%s.json.gz' % (ACCT, region, (block + dt.timedelta(hours=6, minutes=5)).strftime('%Y%m%dT%H%MZ'),
                                                    alnum(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'))
        body = json.dumps({'Records': recs}, separators=(',', ':')).encode()
        buf = io.BytesIO()
        with gzip.GzipFile(filename='', mode='wb', fileobj=buf, mtime=0, compresslevel=9) as g:
            g.write(body)
        with open(os.path.join(d, name), 'wb') as f:
            f.write(buf.getvalue())
        n += len(recs)
    return n


# ==================================================================== Azure

SUB = '7f3c1a52-5b1e-4c39-9d6e-2a9b8c4d1e07'
TENANT = '5d0f9a2b-3c4e-4f61-8a7b-9c0d1e2f3a4b'
AZ = []


class AzP:
    def __init__(self, upn, oid, ip, name=None, appid='c44b4083-3bb0-49c1-b47d-974e53cbdf3c', sp=False):
        self.upn, self.oid, self.ip, self.name, self.appid, self.sp = upn, oid, ip, name, appid, sp

    def claims(self, t):
        iat = int((t - dt.timedelta(minutes=rng.randint(5, 50))).timestamp())
        c = {'aud': 'https://management.core.windows.net/', 'iss': 'https://sts.windows.net/%s/' % TENANT,
             'iat': str(iat), 'nbf': str(iat), 'exp': str(iat + 4500), 'appid': self.appid, 'appidacr': '0' if not self.sp else '2',
             'http://schemas.microsoft.com/identity/claims/objectidentifier': self.oid,
             'http://schemas.microsoft.com/identity/claims/tenantid': TENANT, 'ver': '1.0'}
        if self.sp:
            c['idtyp'] = 'app'
        else:
            c.update({'http://schemas.microsoft.com/claims/authnmethodsreferences': 'pwd,mfa',
                      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': self.upn,
                      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': self.upn,
                      'name': self.name, 'ipaddr': self.ip,
                      'http://schemas.microsoft.com/identity/claims/scope': 'user_impersonation'})
        return c


bob = AzP('bob@contoso.example', '3f2b8c1d-6a4e-4b7f-9e0d-1c2a3b4d5e6f', '198.51.100.140', name='Bob Admin')
eve = AzP('eve@contoso.example', '8e7d6c5b-4a39-4281-b0c9-d8e7f6a5b4c3', '198.51.100.151', name='Eve Analyst')
azbackup = AzP(None, '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', '52.168.112.18', appid='262044b1-e2ce-469f-a196-69ab7ada62d3', sp=True)


def rid(rg, kind, name, sub=SUB):
    return '/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/%s/%s' % (sub, rg, kind, name)


def az(t, p, op, resource_id, location='eastus', result='Success', role='Contributor', status_code='OK',
       category='Administrative', two=True, long_running=False):
    """One operation as the Activity Log records it: a Start record, then the
    outcome; a long-running operation (202) logs Accept first and Success when
    it completes."""
    corr = uid()
    recs = []
    phases = [('Start', 'Started.', None, 0)] if two else []
    if long_running:
        phases.append(('Accept', 'Accepted.Accepted', 'Accepted', rng.randint(400, 3000)))
        phases.append(('Success', 'Succeeded.', 'OK', rng.randint(20000, 90000)))
    else:
        phases.append((result, {'Success': 'Succeeded.', 'Failure': 'Failed.'}[result] + status_code, status_code,
                       rng.randint(800, 6000)))
    for rt, sig, code, delay in phases:
        tt = t + dt.timedelta(milliseconds=delay)
        r = {'time': ts(tt, 7), 'resourceId': resource_id.upper(), 'operationName': op.upper(), 'category': category,
             'resultType': rt, 'resultSignature': sig, 'durationMs': str(0 if rt == 'Start' else rng.randint(900, 30000)),
             'callerIpAddress': p.ip, 'correlationId': corr,
             'identity': {'authorization': {'scope': resource_id, 'action': op,
                                            'evidence': {'role': role, 'roleAssignmentScope': '/subscriptions/%s' % SUB,
                                                         'roleAssignmentId': hexid(32), 'roleDefinitionId': hexid(32),
                                                         'principalId': p.oid.replace('-', ''),
                                                         'principalType': 'ServicePrincipal' if p.sp else 'User'}},
                          'claims': p.claims(tt)},
             'level': 'Information', 'location': location,
             'properties': {'eventCategory': category, 'entity': resource_id, 'message': op,
                            'hierarchy': '%s/%s' % (TENANT, SUB)}}
        if code:
            r['properties']['statusCode'] = code
            r['properties']['serviceRequestId'] = uid()
        recs.append(r)
    AZ.extend(recs)


def azure_routine(day):
    # Azure Backup snapshots the two VMs' disks nightly and expires old ones.
    for vm in ('app-vm-1',):
        az(jitter(at(day, 2), 900), azbackup, 'Microsoft.Compute/snapshots/write',
           rid('backup-rg', 'snapshots', 'AzureBackup_%s_OsDisk_%s' % (vm, (START + dt.timedelta(days=day)).strftime('%Y%m%d'))),
           role='Disk Snapshot Contributor', status_code='Created')
        az(jitter(at(day, 2, 20), 900), azbackup, 'Microsoft.Compute/snapshots/delete',
           rid('backup-rg', 'snapshots', 'AzureBackup_%s_OsDisk_%s' % (vm, (START + dt.timedelta(days=day - 7)).strftime('%Y%m%d'))),
           long_running=True, role='Disk Snapshot Contributor')
    # Bob: a build agent VM a day (created in the morning, deleted next
    # morning), its data disk, and the usual deallocate / start of app-vm-2.
    vm = 'build-agent-%02d' % day
    t = jitter(at(day, 8), 1800)
    az(t, bob, 'Microsoft.Compute/disks/write', rid('build-rg', 'disks', vm + '-data'), status_code='Created')
    az(t + dt.timedelta(minutes=1), bob, 'Microsoft.Compute/virtualMachines/write', rid('build-rg', 'virtualMachines', vm),
       status_code='Created')
    if day > 0:
        prev = 'build-agent-%02d' % (day - 1)
        az(t + dt.timedelta(minutes=20), bob, 'Microsoft.Compute/virtualMachines/delete', rid('build-rg', 'virtualMachines', prev),
           long_running=True)
        az(t + dt.timedelta(minutes=25), bob, 'Microsoft.Compute/disks/delete', rid('build-rg', 'disks', prev + '-data'),
           long_running=True)
    if day % 2 == 0:
        az(jitter(at(day, 7), 600), bob, 'Microsoft.Compute/virtualMachines/start/action',
           rid('app-rg', 'virtualMachines', 'app-vm-2'), long_running=True)
        az(jitter(at(day, 19), 600), bob, 'Microsoft.Compute/virtualMachines/deallocate/action',
           rid('app-rg', 'virtualMachines', 'app-vm-2'), long_running=True)
    # Eve (an analyst) pulls storage keys for a report each day.
    az(jitter(at(day, 10), 3600), eve, 'Microsoft.Storage/storageAccounts/listKeys/action',
       '/subscriptions/%s/resourceGroups/data-rg/providers/Microsoft.Storage/storageAccounts/contosoreports' % SUB,
       category='Administrative', two=False)


def azure_attacks():
    # A5 (day 8 = 2026-01-13 22:2x-22:4x): eve's session is hijacked: a SAS
    # download URL for the SQL data snapshot, then the VM snapshots and the
    # restore point collection are deleted.
    t = at(8, 22, 21, 17)
    az(t, eve, 'Microsoft.Compute/snapshots/beginGetAccess/action',
       rid('backup-rg', 'snapshots', 'AzureBackup_app-vm-1_OsDisk_20260112'), long_running=True)
    for i, day in enumerate(('20260110', '20260111', '20260112')):
        az(at(8, 22, 38 + i, rng.randint(0, 59)), eve, 'Microsoft.Compute/snapshots/delete',
           rid('backup-rg', 'snapshots', 'AzureBackup_app-vm-1_OsDisk_%s' % day), long_running=True)
    az(at(8, 22, 42, 31), eve, 'Microsoft.Compute/restorePointCollections/delete',
       rid('backup-rg', 'restorePointCollections', 'app-vm-1-rpc'), long_running=True)
    expect('A5', t, 'snapshot_export_url_generated', 'high', 'azure', eve.upn,
           'snapshots/beginGetAccess/action (SAS URL) on AzureBackup_app-vm-1_OsDisk_20260112')
    expect('A5', at(8, 22, 40), 'snapshot_deletion_burst', 'high', 'azure', eve.upn,
           '3 snapshots deleted in 3 minutes (restore point collection app-vm-1-rpc follows)')


def write_azure(out):
    by_hour = {}
    for r in AZ:
        t = dt.datetime.strptime(r['time'][:19], '%Y-%m-%dT%H:%M:%S')
        by_hour.setdefault(t.replace(minute=0, second=0), []).append(r)
    for h, recs in sorted(by_hour.items()):
        recs.sort(key=lambda r: r['time'])
        d = os.path.join(out, 'insights-activity-logs', 'resourceId=', 'SUBSCRIPTIONS', SUB.upper(),
                         'y=%04d' % h.year, 'm=%02d' % h.month, 'd=%02d' % h.day, 'h=%02d' % h.hour, 'm=00')
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'PT1H.json'), 'w') as f:
            for r in recs:
                f.write(json.dumps(r, separators=(',', ':')) + '\n')
    return len(AZ)


# ====================================================================== GCP

PROJECT = 'acme-prod'
PROJECT_NUM = '731926845210'
ZONE = 'us-central1-a'
GCP = []


def gcp_entry(t, who, method, resource_name, rtype, labels, request=None, response=None, metadata=None,
              read=False, first=True, op_id=None, ip='198.51.100.170', ua=None, delegation=None, status=None,
              authz=None):
    pp = {'@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
          'authenticationInfo': {'principalEmail': who}, 'requestMetadata': {
              'callerIp': ip, 'callerSuppliedUserAgent': ua or 'google-cloud-sdk gcloud/503.0.0 command/gcloud.compute.%s invocation-id/%s environment/None environment-version/None client-os/LINUX client-os-ver/6.8.0 client-pltf-arch/x86_64 interactive/True from-script/False python/3.12.7 term/xterm-256color (Linux 6.8.0-51-generic),gzip(gfe)' % (method.split('.')[-2] + '.' + method.split('.')[-1], hexid(32)),
              'requestAttributes': {'time': ts(t, 6), 'auth': {}}, 'destinationAttributes': {}},
          'serviceName': 'compute.googleapis.com', 'methodName': method, 'resourceName': resource_name}
    if authz:
        pp['authorizationInfo'] = authz
    if delegation:
        pp['authenticationInfo']['serviceAccountDelegationInfo'] = delegation
        pp['authenticationInfo']['principalSubject'] = 'serviceAccount:' + who
    elif who.endswith('gserviceaccount.com'):
        pp['authenticationInfo']['principalSubject'] = 'serviceAccount:' + who
    else:
        pp['authenticationInfo']['principalSubject'] = 'user:' + who
    if request is not None:
        pp['request'] = request
    if response is not None:
        pp['response'] = response
    if metadata is not None:
        pp['metadata'] = metadata
    if status is not None:
        pp['status'] = status
    if rtype in ('gce_instance', 'gce_disk'):
        pp['resourceLocation'] = {'currentLocations': [ZONE]}
    e = {'protoPayload': pp, 'insertId': alnum(12, 'abcdefghijklmnopqrstuvwxyz0123456789') if read else '-' + alnum(12, 'abcdefghijklmnopqrstuvwxyz0123456789'),
         'resource': {'type': rtype, 'labels': dict(labels, project_id=PROJECT)},
         'timestamp': ts(t, 6), 'severity': 'INFO' if read else 'NOTICE',
         'logName': 'projects/%s/logs/cloudaudit.googleapis.com%%2F%s' % (PROJECT, 'data_access' if read else 'activity'),
         'receiveTimestamp': ts(t + dt.timedelta(milliseconds=rng.randint(200, 900)), 9)}
    if not read:
        e['operation'] = {'id': op_id or 'operation-%d-%s-%s-%s' % (ms(t), hexid(13), hexid(8), hexid(8)),
                          'producer': 'compute.googleapis.com', ('first' if first else 'last'): True}
    GCP.append(e)
    return e


def zonal(kind, name):
    return 'projects/%s/zones/%s/%s/%s' % (PROJECT, ZONE, kind, name)


def g_operation(t, who, optype, target):
    return {'@type': 'type.googleapis.com/operation', 'id': str(rng.getrandbits(62)),
            'name': 'operation-%d-%s-%s-%s' % (ms(t), hexid(13), hexid(8), hexid(8)), 'operationType': optype,
            'progress': '0', 'status': 'RUNNING', 'insertTime': ts(t, 3), 'startTime': ts(t, 3),
            'targetId': str(rng.getrandbits(62)), 'targetLink': 'https://www.googleapis.com/compute/v1/' + target,
            'user': who, 'zone': 'https://www.googleapis.com/compute/v1/projects/%s/zones/%s' % (PROJECT, ZONE),
            'selfLink': 'https://www.googleapis.com/compute/v1/projects/%s/zones/%s/operations/operation-%d' % (PROJECT, ZONE, ms(t))}


def g_insert_instance(t, who, name, mtype, ip='198.51.100.170', ua=None, delegation=None, labels=None, snapshot=None, last=True):
    iid = str(rng.getrandbits(63))
    disk = {'boot': True, 'autoDelete': True, 'deviceName': name, 'mode': 'READ_WRITE', 'type': 'PERSISTENT',
            'initializeParams': {'diskSizeGb': '20', 'diskType': 'projects/%s/zones/%s/diskTypes/pd-balanced' % (PROJECT, ZONE)}}
    if snapshot:
        disk['initializeParams']['sourceSnapshot'] = snapshot
    else:
        disk['initializeParams']['sourceImage'] = 'projects/debian-cloud/global/images/debian-12-bookworm-v20251209'
    req = {'@type': 'type.googleapis.com/compute.instances.insert', 'name': name,
           'machineType': 'projects/%s/zones/%s/machineTypes/%s' % (PROJECT, ZONE, mtype), 'disks': [disk],
           'networkInterfaces': [{'network': 'projects/%s/global/networks/default' % PROJECT,
                                  'subnetwork': 'projects/%s/regions/us-central1/subnetworks/default' % PROJECT}],
           'serviceAccounts': [{'email': '%s-compute@developer.gserviceaccount.com' % PROJECT_NUM,
                                'scopes': ['https://www.googleapis.com/auth/cloud-platform']}],
           'canIpForward': False, 'deletionProtection': False}
    if labels:
        req['labels'] = [{'key': k, 'value': v} for k, v in labels.items()]
    rn = zonal('instances', name)
    op = 'operation-%d-%s-%s-%s' % (ms(t), hexid(13), hexid(8), hexid(8))
    gcp_entry(t, who, 'v1.compute.instances.insert', rn, 'gce_instance', {'instance_id': iid, 'zone': ZONE}, request=req,
              response=g_operation(t, who, 'insert', rn), ip=ip, ua=ua, delegation=delegation, op_id=op,
              authz=[{'permission': 'compute.instances.create', 'granted': True,
                      'resourceAttributes': {'service': 'compute', 'name': rn, 'type': 'compute.instances'}}])
    if last:   # the operation's completion entry
        gcp_entry(t + dt.timedelta(seconds=rng.randint(12, 40)), who, 'v1.compute.instances.insert', rn, 'gce_instance',
                  {'instance_id': iid, 'zone': ZONE}, first=False, op_id=op, ip=ip, ua=ua, delegation=delegation)
    return iid


def g_simple(t, who, method, rn, rtype, labels, request=None, metadata=None, last=False, ip='198.51.100.170', ua=None,
             delegation=None):
    op = 'operation-%d-%s-%s-%s' % (ms(t), hexid(13), hexid(8), hexid(8))
    optype = method.split('.')[-1]
    gcp_entry(t, who, method, rn, rtype, labels, request=request, metadata=metadata, op_id=op, ip=ip, ua=ua,
              delegation=delegation, response=g_operation(t, who, optype, rn))
    if last:
        gcp_entry(t + dt.timedelta(seconds=rng.randint(8, 45)), who, method, rn, rtype, labels, first=False, op_id=op,
                  ip=ip, ua=ua, delegation=delegation)


CAROL = 'carol@acme.example'
UA_GCP_CONSOLE = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0,gzip(gfe),gzip(gfe)'
UA_GCP_TF = 'Terraform/1.10.3 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-google/6.14.1'
TF_SA = 'terraform@acme-prod.iam.gserviceaccount.com'
MIG_AGENT = '%s@cloudservices.gserviceaccount.com' % PROJECT_NUM
SCHED_AGENT = 'service-%s@compute-system.iam.gserviceaccount.com' % PROJECT_NUM
CONTRACTOR = 'contractor-7@partner.example'
GCP_INSTANCES = {'web-1': '4821550019234881123', 'web-2': '4821550019234881124', 'db-1': '7710038261544120931'}


def gcp_routine(day):
    # Reads (Data Access logs, ADMIN_READ): console, monitoring, terraform plans.
    for who, n, ip, ua in ((CAROL, 5, '198.51.100.170', UA_GCP_CONSOLE), (TF_SA, 2, '35.202.110.7', UA_GCP_TF),
                           ('monitoring@acme-prod.iam.gserviceaccount.com', 4, '35.222.48.19', 'google-api-go-client/0.5 grafana-google-sdk/1.1')):
        for _ in range(n):
            t = jitter(at(day, 7), 12 * 3600)
            method, rn, rtype, labels = rng.choice([
                ('v1.compute.instances.list', 'projects/%s/zones/%s/instances' % (PROJECT, ZONE), 'gce_instance', {'zone': ZONE, 'instance_id': ''}),
                ('v1.compute.instances.aggregatedList', 'projects/%s/aggregated/instances' % PROJECT, 'gce_instance', {'zone': '', 'instance_id': ''}),
                ('v1.compute.disks.list', 'projects/%s/zones/%s/disks' % (PROJECT, ZONE), 'gce_disk', {'zone': ZONE, 'disk_id': ''}),
                ('v1.compute.snapshots.list', 'projects/%s/global/snapshots' % PROJECT, 'gce_snapshot', {'snapshot_id': ''}),
                ('v1.compute.instances.get', zonal('instances', 'web-1'), 'gce_instance', {'zone': ZONE, 'instance_id': GCP_INSTANCES['web-1']}),
                ('v1.compute.instances.get', zonal('instances', 'db-1'), 'gce_instance', {'zone': ZONE, 'instance_id': GCP_INSTANCES['db-1']}),
            ])
            gcp_entry(t, who, method, rn, rtype, labels, read=True, ip=ip, ua=ua,
                      request={'@type': 'type.googleapis.com/compute.%s' % '.'.join(method.split('.')[-2:])},
                      authz=[{'permission': 'compute.%s.%s' % (method.split('.')[-2], 'list' if 'ist' in method else 'get'),
                              'granted': True, 'resourceAttributes': {'service': 'compute', 'name': rn,
                                                                      'type': 'compute.%s' % method.split('.')[-2]}}])
    # Snapshot schedule: nightly snapshot of db-1's data disk by the compute
    # system service agent, and the one from a week ago deleted.
    snap = 'projects/%s/global/snapshots/db-nightly-%s' % (PROJECT, (START + dt.timedelta(days=day)).strftime('%Y%m%d'))
    g_simple(jitter(at(day, 4), 600), SCHED_AGENT, 'v1.compute.disks.createSnapshot', zonal('disks', 'db-1-data'),
             'gce_disk', {'zone': ZONE, 'disk_id': '6650302159876543210'},
             request={'@type': 'type.googleapis.com/compute.disks.createSnapshot', 'name': snap.rsplit('/', 1)[1]},
             ip='private', ua='GCE Snapshot Scheduler')
    # Managed instance group autoscaler (Google APIs service agent).
    deleg = [{'firstPartyPrincipal': {'principalEmail': 'cloud-autoscaler@system.gserviceaccount.com'}}]
    name = 'web-mig-%s' % alnum(4, 'abcdefghijklmnopqrstuvwxyz0123456789')
    g_insert_instance(jitter(at(day, 8), 900), MIG_AGENT, name, 'e2-standard-2', ip='private', ua='GCE Managed Instance Group',
                      delegation=deleg, last=False)
    g_simple(jitter(at(day, 22), 900), MIG_AGENT, 'v1.compute.instances.delete', zonal('instances', name), 'gce_instance',
             {'zone': ZONE, 'instance_id': str(rng.getrandbits(63))}, ip='private', ua='GCE Managed Instance Group',
             delegation=deleg)
    # Terraform: a batch worker a day with a scratch disk.
    t = jitter(at(day, 11), 3600)
    name = 'batch-%02d' % day
    g_insert_instance(t, TF_SA, name, 'n2-standard-8', ip='35.202.110.7', ua=UA_GCP_TF, last=False)
    g_simple(t + dt.timedelta(hours=5), TF_SA, 'v1.compute.instances.delete', zonal('instances', name), 'gce_instance',
             {'zone': ZONE, 'instance_id': str(rng.getrandbits(63))}, ip='35.202.110.7', ua=UA_GCP_TF)
    # Carol: a test VM (e2-standard-4) created in the morning, deleted in the
    # evening; she labels web servers now and then.
    t = jitter(at(day, 9), 3600)
    name = 'carol-test-%02d' % day
    g_insert_instance(t, CAROL, name, 'e2-standard-4', ua=UA_GCP_CONSOLE)
    g_simple(t + dt.timedelta(hours=7), CAROL, 'v1.compute.instances.delete', zonal('instances', name), 'gce_instance',
             {'zone': ZONE, 'instance_id': str(rng.getrandbits(63))}, last=True, ua=UA_GCP_CONSOLE)
    if day % 3 == 0:
        g_simple(jitter(at(day, 15), 3600), CAROL, 'v1.compute.instances.setLabels', zonal('instances', 'web-1'), 'gce_instance',
                 {'zone': ZONE, 'instance_id': GCP_INSTANCES['web-1']},
                 request={'@type': 'type.googleapis.com/compute.instances.setLabels', 'labels': [{'key': 'team', 'value': 'web'}]})
    # Carol restores last night's snapshot into a disk for a report now and then (learnt).
    if day in (2, 6):
        t = jitter(at(day, 13), 1800)
        g_simple(t, CAROL, 'v1.compute.disks.insert', zonal('disks', 'report-%02d' % day), 'gce_disk',
                 {'zone': ZONE, 'disk_id': str(rng.getrandbits(63))},
                 request={'@type': 'type.googleapis.com/compute.disks.insert', 'name': 'report-%02d' % day,
                          'sourceSnapshot': 'projects/%s/global/snapshots/db-nightly-%s' % (PROJECT, (START + dt.timedelta(days=day - 1)).strftime('%Y%m%d')),
                          'sizeGb': '200', 'type': 'projects/%s/zones/%s/diskTypes/pd-balanced' % (PROJECT, ZONE)})
        g_simple(t + dt.timedelta(minutes=3), CAROL, 'v1.compute.instances.attachDisk', zonal('instances', 'web-2'), 'gce_instance',
                 {'zone': ZONE, 'instance_id': GCP_INSTANCES['web-2']},
                 request={'@type': 'type.googleapis.com/compute.instances.attachDisk', 'source': zonal('disks', 'report-%02d' % day),
                          'deviceName': 'report', 'mode': 'READ_ONLY'})
        g_simple(t + dt.timedelta(hours=2), CAROL, 'v1.compute.instances.detachDisk', zonal('instances', 'web-2'), 'gce_instance',
                 {'zone': ZONE, 'instance_id': GCP_INSTANCES['web-2']},
                 request={'@type': 'type.googleapis.com/compute.instances.detachDisk', 'deviceName': 'report'})
        g_simple(t + dt.timedelta(hours=2, minutes=2), CAROL, 'v1.compute.disks.delete', zonal('disks', 'report-%02d' % day), 'gce_disk',
                 {'zone': ZONE, 'disk_id': str(rng.getrandbits(63))})


def gcp_attacks():
    # A7 + A6 (day 9 = 2026-01-14 07:5x-08:4x): an external contractor
    # account adds an SSH key to project metadata, launches a throw-away
    # instance, restores last night's database snapshot into a disk, attaches
    # it, and deletes the instance 35 minutes later.
    ip, ua = '203.0.113.201', None
    t = at(9, 7, 52, 8)
    g_simple(t, CONTRACTOR, 'v1.compute.projects.setCommonInstanceMetadata', 'projects/%s' % PROJECT, 'gce_project', {},
             request={'@type': 'type.googleapis.com/compute.projects.setCommonInstanceMetadata'},
             metadata={'@type': 'type.googleapis.com/google.cloud.audit.GceProjectAuditMetadata',
                       'projectMetadataDelta': {'modifiedMetadataKeys': ['ssh-keys']}}, ip=ip)
    t = at(9, 8, 3, 40)
    g_insert_instance(t, CONTRACTOR, 'forensics-tmp', 'e2-standard-4', ip=ip)
    snap = 'projects/%s/global/snapshots/db-nightly-20260113' % PROJECT
    g_simple(t + dt.timedelta(minutes=4, seconds=12), CONTRACTOR, 'v1.compute.disks.insert', zonal('disks', 'db-copy'), 'gce_disk',
             {'zone': ZONE, 'disk_id': str(rng.getrandbits(63))},
             request={'@type': 'type.googleapis.com/compute.disks.insert', 'name': 'db-copy', 'sourceSnapshot': snap,
                      'sizeGb': '200', 'type': 'projects/%s/zones/%s/diskTypes/pd-balanced' % (PROJECT, ZONE)}, ip=ip)
    g_simple(t + dt.timedelta(minutes=6, seconds=30), CONTRACTOR, 'v1.compute.instances.attachDisk', zonal('instances', 'forensics-tmp'),
             'gce_instance', {'zone': ZONE, 'instance_id': str(rng.getrandbits(63))},
             request={'@type': 'type.googleapis.com/compute.instances.attachDisk', 'source': zonal('disks', 'db-copy'),
                      'deviceName': 'db-copy', 'mode': 'READ_WRITE'}, ip=ip)
    g_simple(t + dt.timedelta(minutes=41, seconds=5), CONTRACTOR, 'v1.compute.instances.delete', zonal('instances', 'forensics-tmp'),
             'gce_instance', {'zone': ZONE, 'instance_id': str(rng.getrandbits(63))}, last=True, ip=ip)
    expect('A7', at(9, 7, 52, 8), 'instance_ssh_key_added', 'medium', 'gcp', CONTRACTOR,
           'projects.setCommonInstanceMetadata modifying ssh-keys (project wide)')
    expect('A6', t, 'instance_created_by_new_principal', 'medium', 'gcp', CONTRACTOR, 'instances.insert forensics-tmp')
    expect('A6', t + dt.timedelta(minutes=4, seconds=12), 'snapshot_restored_by_new_principal', 'medium', 'gcp', CONTRACTOR,
           'disks.insert db-copy from snapshot db-nightly-20260113')
    expect('A6', t + dt.timedelta(minutes=4, seconds=12), 'volume_change_by_new_principal', 'low', 'gcp', CONTRACTOR,
           'first volume.create by this principal (db-copy)')
    expect('A6', t + dt.timedelta(minutes=6, seconds=30), 'volume_change_by_new_principal', 'low', 'gcp', CONTRACTOR,
           'first volume.attach by this principal (db-copy to forensics-tmp)')
    expect('A6', t + dt.timedelta(minutes=6, seconds=30), 'snapshot_volume_attached_to_new_instance', 'high', 'gcp', CONTRACTOR,
           'db-copy (from snapshot) attached to the instance created 6 minutes earlier')
    expect('A6', t + dt.timedelta(minutes=41, seconds=5), 'snapshot_volume_mounted_then_instance_deleted', 'high', 'gcp', CONTRACTOR,
           'forensics-tmp created, db-copy mounted, forensics-tmp deleted 41 minutes later')
    expect('A6', t + dt.timedelta(minutes=41, seconds=5), 'instance_deleted_by_new_principal', 'medium', 'gcp', CONTRACTOR,
           'first instance deletion by this principal')


def write_gcp(out):
    by_hour = {}
    for e in GCP:
        t = dt.datetime.strptime(e['timestamp'][:19], '%Y-%m-%dT%H:%M:%S')
        kind = 'data_access' if e['logName'].endswith('data_access') else 'activity'
        by_hour.setdefault((kind, t.replace(minute=0, second=0)), []).append(e)
    for (kind, h), recs in sorted(by_hour.items()):
        recs.sort(key=lambda e: e['timestamp'])
        d = os.path.join(out, 'cloudaudit.googleapis.com', kind, h.strftime('%Y'), h.strftime('%m'), h.strftime('%d'))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, '%02d:00:00_%02d:59:59_S0.json' % (h.hour, h.hour)), 'w') as f:
            for e in recs:
                f.write(json.dumps(e, separators=(',', ':')) + '\n')
    return len(GCP)


# ==================================================================== EXPECTED.md

EXPECTED = []


def expect(scenario, t, rule, severity, provider, principal, what):
    EXPECTED.append((t, scenario, rule, severity, provider, principal, what))


SCENARIOS = [
    ('A1', 'aws', 'Stolen `svc-reporting` keys, new IP: five production snapshots in 8 minutes, the database snapshot shared with account %s.' % FOREIGN),
    ('A2', 'aws', 'Compromised `jenkins-ci`: web-1 stopped, its user data (boot script) replaced, started again.'),
    ('A8', 'aws', 'Dormant console user `legacy-admin`: snapshot of the data volume, a new instance, the live data volume moved from db-1 to it.'),
    ('A3', 'aws', '`svc-reporting` again: opt-in region enabled, GPU vCPU quota raised in four regions, a g5.12xlarge launched in ap-southeast-1.'),
    ('A4', 'aws', '`jenkins-ci`: web-1 root volume reverted to an old snapshot (T1578.004), EBS default encryption disabled.'),
    ('A5', 'azure', 'Hijacked session of `eve@contoso.example`: SAS download URL for a VM snapshot, then three snapshots and the restore point collection deleted.'),
    ('A7', 'gcp', 'External `contractor-7@partner.example`: SSH key added to project-wide metadata.'),
    ('A6', 'gcp', '`contractor-7@partner.example`: throw-away instance, a disk restored from last night\'s database snapshot and attached to it, instance deleted.'),
]

NEAR_MISSES = [
    'AWS Backup snapshots six volumes every night at 03:00 (a burst, but `backup.amazonaws.com` is automation); Data Lifecycle Manager deletes six old snapshots at 03:30; Azure Backup does the same on Azure.',
    'EC2 Auto Scaling and the GCP managed instance group launch and terminate instances daily (service principals / Google APIs service agent).',
    'The `terraform-deployer` role launches, attaches, detaches and deletes every day, and stops -> resizes -> starts an instance on 2026-01-07 and 2026-01-14 (IaC naming convention in `automation_principal_pattern`); the `terraform@` GCP service account likewise.',
    '`erin@example.com` (role `ops-oncall`) stops db-1, changes its instance type and starts it on 2026-01-13 16:40 with source identity `CHG0012345`: an approved change (`change_approved`).',
    '`alice` stops and starts dave\'s dev box every other day with nothing changed in between (no modify stage), launches a t3.medium each morning (known principal, region and type), and removes an old snapshot share on 2026-01-06 and 2026-01-13 (a removal is not a share).',
    '`dave@example.com` restores a snapshot into a volume and attaches it to his dev box on 2026-01-06/08/10 (learnt) and again on 2026-01-13: known principal, existing instance.',
    '`carol@acme.example` (GCP) creates and deletes a test VM daily, and on 2026-01-07 and 2026-01-11 restores a snapshot into a disk attached read-only to web-2: all learnt, and her instance is more than 2 hours older than the restore.',
    '`bob@contoso.example` (Azure) creates a build-agent VM and data disk every morning, deletes yesterday\'s, and deallocates / starts app-vm-2 daily.',
]


def write_expected(out, counts):
    rows = sorted(EXPECTED)
    by_sev = {}
    for r in rows:
        by_sev[r[3]] = by_sev.get(r[3], 0) + 1
    lines = [
        '# Demo sample: expected alerts',
        '',
        'Generated by `bench/gen/gen_sample.py` (seed %d) together with the logs in this folder; do not edit by hand.' % SEED,
        '',
        'Ten days, 2026-01-05 to 2026-01-14, of raw audit logs: %d CloudTrail records (AWS account %s), %d Azure Activity Log records'
        ' (subscription %s), %d GCP Cloud Audit Log entries (project %s). The first seven days are the learning period of the'
        ' `new ...` rules (`learn 7d`); the attacks happen on 2026-01-13 and 2026-01-14.' % (counts[0], ACCT, counts[1], SUB, counts[2], PROJECT),
        '',
        'Run: `make demo` (or `bash scripts/demo.sh build`).',
        '',
        '## Scenarios',
        '',
    ]
    for sid, prov, text in SCENARIOS:
        lines.append('- **%s** (%s) %s' % (sid, prov, text))
    lines += [
        '',
        '## Alerts the pack must raise (%d: %s)' % (len(rows), ', '.join('%d %s' % (by_sev[k], k) for k in ('critical', 'high', 'medium', 'low') if k in by_sev)),
        '',
        'Times are those of the event that completes the alert (UTC, to the minute).',
        '',
        '| # | time | scenario | rule | severity | cloud | principal | evidence |',
        '|---|---|---|---|---|---|---|---|',
    ]
    for i, (t, sid, rule, sev, prov, who, what) in enumerate(rows, 1):
        lines.append('| %d | %s | %s | `%s` | %s | %s | `%s` | %s |' % (i, t.strftime('%m-%d %H:%M'), sid, rule, sev, prov, who, what))
    lines += ['', '## Near misses: present in the logs, must not alert', '']
    lines += ['- ' + n for n in NEAR_MISSES]
    lines += ['', 'Any other alert is a false positive of the pack, the normalizer or the engine.', '']
    with open(os.path.join(out, 'EXPECTED.md'), 'w') as f:
        f.write('\n'.join(lines))


# ==================================================================== main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'samples', 'demo'))
    args = ap.parse_args()
    out = os.path.normpath(args.out)

    for day in range(DAYS):
        aws_routine(day)
        azure_routine(day)
        gcp_routine(day)
    aws_attacks()
    azure_attacks()
    gcp_attacks()

    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    n_aws = write_aws(out)
    n_az = write_azure(out)
    n_gcp = write_gcp(out)
    write_expected(out, (n_aws, n_az, n_gcp))
    print('samples: %d CloudTrail, %d Azure Activity Log, %d GCP audit records -> %s' % (n_aws, n_az, n_gcp, out))


if __name__ == '__main__':
    main()
