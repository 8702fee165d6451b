#!/usr/bin/env python3
"""Checks one tool's findings against the generator's ground truth
(bench/out/<name>.truth.json, written by bench/gen/gen_stream).

Only the four reference rules are compared; other alerts of the pack are
counted and ignored. A finding is identified by (rule, id of the event that
completes it) when the provider has event ids (CloudTrail eventID, GCP
insertId), else by (rule, key, time of that event to the second) (Azure
Activity Log exports carry no event id).

  check.py TRUTH PROVIDER --alerts FILE     rulerun alert JSON lines
  check.py TRUTH PROVIDER --findings FILE   TSV: rule, key, event, time

Prints one line (`ok 19/19` or what is missing / extra) and exits 0 when
the findings are exactly the truth, 1 otherwise. Python 3 standard library.
"""

import argparse
import collections
import json
import sys


def ident(provider, rule, key, event, time):
    if event:
        return (rule, event)
    return (rule, str(key).upper(), (time or '')[:19])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('truth')
    ap.add_argument('provider', choices=['aws', 'azure', 'gcp'])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument('--alerts')
    src.add_argument('--findings')
    ap.add_argument('--quiet', action='store_true')
    args = ap.parse_args()

    truth = json.load(open(args.truth))
    rules = set(truth['reference_rules'])
    want = collections.Counter()
    label = {}
    for f in truth['findings']:
        if f['provider'] != args.provider:
            continue
        k = ident(args.provider, f['rule'], f['key'], f['event'], f['time'])
        want[k] += 1
        label[k] = '%s %s %s' % (f['scenario'], f['rule'], f['key'])

    got = collections.Counter()
    other = 0
    if args.alerts:
        for line in open(args.alerts):
            if not line.strip():
                continue
            a = json.loads(line)
            if a['rule'] not in rules:
                other += 1
                continue
            key = ','.join(str(v) if not isinstance(v, list) else ','.join(map(str, v)) for v in a['key'].values())
            event = a['events'][-1] if a.get('events') else ''
            got[ident(args.provider, a['rule'], key, event, a.get('end_time'))] += 1
    else:
        for line in open(args.findings):
            line = line.rstrip('\n')
            if not line:
                continue
            parts = (line.split('\t') + ['', '', '', ''])[:4]
            rule, key, event, time = parts
            if rule not in rules:
                other += 1
                continue
            got[ident(args.provider, rule, key, event, time)] += 1

    missing = want - got
    extra = got - want
    n = sum(want.values())
    if not missing and not extra:
        print('ok %d/%d%s' % (n, n, ' (+%d other alerts)' % other if other else ''))
        return 0
    print('MISMATCH: %d/%d found, %d missing, %d extra' % (n - sum(missing.values()), n, sum(missing.values()),
                                                            sum(extra.values())))
    if not args.quiet:
        for k in sorted(missing):
            print('  missing: %s  %s' % (label.get(k, ''), k))
        for k in sorted(extra)[:20]:
            print('  extra:   %s' % (k,))
    return 1


if __name__ == '__main__':
    sys.exit(main())
