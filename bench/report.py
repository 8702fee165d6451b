#!/usr/bin/env python3
"""Renders bench/run.sh's raw results (results-<name>.tsv) as the markdown
tables of docs/performance.md: the machine, every tool on the CloudTrail
file with its rates and its ratio to rulerun, and the per-provider ingest
figures next to the simdjson parse floor.

Rates are given per CPU second (user + sys of the process and its threads)
and per wall second. On a shared, loaded machine the wall clock mostly
measures the wait for a core; CPU time is the steadier figure, and the
ratios are taken from it (both tools measured in the same run).

  report.py RESULTS.tsv [--load-before L] [--load-after L] [--command C] [--repeat N]

Python 3 standard library only.
"""

import argparse
import csv
import os
import platform


def cpu_model():
    try:
        for line in open('/proc/cpuinfo'):
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def mem_total():
    try:
        for line in open('/proc/meminfo'):
            if line.startswith('MemTotal'):
                return '%.0f GB' % (int(line.split()[1]) / 1e6)
    except OSError:
        pass
    return '?'


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def rate(n, s):
    return n / s if n is not None and s else None


def fmt(x, digits=2):
    if x is None:
        return '-'
    if x >= 100:
        return '{:,.0f}'.format(x)
    return '{:.{}f}'.format(x, digits)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('--load-before', default='?')
    ap.add_argument('--load-after', default='?')
    ap.add_argument('--command', default='bash bench/run.sh')
    ap.add_argument('--repeat', default='1')
    args = ap.parse_args()

    rows = list(csv.DictReader(open(args.results), delimiter='\t'))
    for r in rows:
        r['wall'] = num(r['wall_s'])
        u, s = num(r['user_s']), num(r['sys_s'])
        r['cpu'] = u + s if u is not None and s is not None else None
        r['n'] = num(r['records'])
        r['mb'] = num(r['bytes']) / 1e6 if num(r['bytes']) else None
        r['rss'] = num(r['rss_kb']) / 1024 if num(r['rss_kb']) else None

    out = []
    p = out.append
    p('Command: `%s` (each tool run %s time(s), fastest CPU time kept)  ' % (args.command, args.repeat))
    p('Machine: %d CPU (%s), %s RAM, %s %s; load average before %s, after %s  ' % (
        os.cpu_count() or 0, cpu_model(), mem_total(), platform.system(), platform.release(),
        args.load_before, args.load_after))
    p('')

    main_rows = [r for r in rows if r['section'] == 'main']
    ref = next((r for r in main_rows if r['tool'].startswith('rulerun (interpreter)')), None)
    if main_rows:
        n, mb = main_rows[0]['n'], main_rows[0]['mb']
        p('### Every tool on the same CloudTrail file (%s records, %s MB)' % (fmt(n, 0), fmt(mb, 0)))
        p('')
        p('| tool | finds the truth | wall s | CPU s | events/s (CPU) | MB/s (CPU) | MB/s (wall) | peak RSS MB '
          '| rulerun speed-up (CPU) | (wall) |')
        p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|')
        for r in main_rows:
            sp_cpu = r['cpu'] / ref['cpu'] if ref and r['cpu'] and ref['cpu'] else None
            sp_wall = r['wall'] / ref['wall'] if ref and r['wall'] and ref['wall'] else None
            p('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                r['tool'], r['check'], fmt(r['wall']), fmt(r['cpu']), fmt(rate(r['n'], r['cpu']), 0),
                fmt(rate(r['mb'], r['cpu']), 1), fmt(rate(r['mb'], r['wall']), 1), fmt(r['rss'], 0),
                fmt(sp_cpu) + 'x' if sp_cpu else '-', fmt(sp_wall) + 'x' if sp_wall else '-'))
        p('')
        p('"rulerun speed-up" = tool time / rulerun (interpreter) time: above 1, rulerun is faster.')
        p('')

    prov = [r for r in rows if r['section'] == 'provider']
    if prov:
        p('### Ingest per provider, side by side with the simdjson parse floor')
        p('')
        p('| provider | file MB | records | tool | finds the truth | CPU s | events/s (CPU) | MB/s (CPU) '
          '| peak RSS MB | vs parse floor (On-Demand) | vs parse floor (DOM) |')
        p('|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|')
        for provider in ('aws', 'azure', 'gcp'):
            pr = [r for r in prov if r['provider'] == provider]
            if not pr:
                continue
            floor = next((r for r in pr if r['tool'].startswith('parse_floor (')), None)
            dom = next((r for r in pr if r['tool'].startswith('parse_floor --dom')), None)
            for r in pr:
                vs = (floor['cpu'] / r['cpu']) if floor and r['cpu'] and floor['cpu'] else None
                vd = (dom['cpu'] / r['cpu']) if dom and r['cpu'] and dom['cpu'] else None
                p('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                    provider, fmt(r['mb'], 0), fmt(r['n'], 0), r['tool'], r['check'], fmt(r['cpu']),
                    fmt(rate(r['n'], r['cpu']), 0), fmt(rate(r['mb'], r['cpu']), 1), fmt(r['rss'], 0),
                    fmt(vs, 3) + 'x' if vs else '-', fmt(vd, 3) + 'x' if vd else '-'))
        p('')
        p('"vs parse floor" = throughput of the tool / throughput of the parse floor on the same file '
          '(1x = as fast as parsing alone).')
        p('')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
