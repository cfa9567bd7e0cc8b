#!/usr/bin/env python3
"""Renders a JMH result JSON (benchmarks/results/<mode>.json) as the Markdown tables of RESULTS.md:
every benchmark with its score, error and bytes per operation, then our ratios to each peer,
computed from the same run. Usage: benchmarks/render-results.py benchmarks/results/quick.json"""
import collections
import json
import sys


def load(path):
    rows = collections.OrderedDict()
    for b in json.load(open(path)):
        name = b['benchmark'].replace('io.tcpclose.bench.', '')
        params = tuple(sorted(b.get('params', {}).items()))
        pm = b['primaryMetric']
        sec = b.get('secondaryMetrics', {})
        rows[(name, params)] = dict(
            score=pm['score'], err=pm['scoreError'], unit=pm['scoreUnit'],
            bop=sec.get('gc.alloc.rate.norm', {}).get('score'),
            aux={k: v['score'] for k, v in sec.items() if not k.startswith('gc.')})
    return rows


def num(x):
    try:
        x = float(x)
    except (TypeError, ValueError):
        return '-'
    if x != x:
        return 'n/a'
    if abs(x) >= 1e6:
        return f'{x / 1e6:,.2f} M'
    if abs(x) >= 1e4:
        return f'{x / 1e3:,.1f} k'
    return f'{x:,.1f}'


def get(rows, name, **p):
    for (n, ps), v in rows.items():
        if n == name and all(dict(ps).get(k) == str(val) for k, val in p.items()):
            return v
    return None


def main(path):
    rows = load(path)
    print('| benchmark | params | score | ± error | unit | B/op |')
    print('|---|---|---:|---:|---|---:|')
    for (n, ps), v in rows.items():
        params = ', '.join(f'{k}={val}' for k, val in ps)
        extra = ''.join(f' ({k} {num(s)}/s)' for k, s in v['aux'].items())
        bop = '-' if v['bop'] is None else '%.0f' % v['bop']
        print(f"| {n} | {params} | {num(v['score'])}{extra} | {num(v['err'])} | {v['unit']} | {bop} |")
    print()
    print('| timer operation | pending | tcpclose ops/s | × Agrona | × Netty | × JDK | × PriorityQueue |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for op, cls in [('rearm', 'TimerBenchmark'), ('scheduleCancel', 'TimerBenchmark'), ('scheduleExpire', 'TimerExpireBenchmark')]:
        for n in ['1000', '100000', '1000000']:
            ours = get(rows, f'{cls}.{op}', impl='tcpclose', pending=n)
            if ours is None:
                continue
            cells = []
            for peer in ['agrona', 'netty', 'jdk', 'pq']:
                pv = get(rows, f'{cls}.{op}', impl=peer, pending=n)
                cells.append(f"{ours['score'] / pv['score']:.2f}" if pv else 'n/a')
            print(f"| {op} | {n} | {num(ours['score'])} | " + ' | '.join(cells) + ' |')
    e = get(rows, 'EngineBenchmark.ackInWindowEstablished')
    m = get(rows, 'EngineBenchmark.ackInWindowMutableBaseline')
    if e and m:
        print()
        print(f"Engine step, in-window ACK: {e['score']:.1f} ns against the mutable baseline's {m['score']:.2f} ns: "
              f"{e['score'] / m['score']:.1f}× its time.")


if __name__ == '__main__':
    main(sys.argv[1])
