#!/usr/bin/env python3
"""Writes one workload's section of docs/benchmarks.md from a ../shared/bench results JSON.

Usage: render_benchmarks.py RESULTS.json docs/benchmarks.md "COMMAND"
The section is titled by the workload; a section with the same title is replaced, others are kept.
"""
import json
import re
import sys

path, doc, command = sys.argv[1], sys.argv[2], sys.argv[3]
data = json.load(open(path))
summary, meta = data['summary'], data['meta']
peers = [p for p in ['pivot', 'victoria-metrics', 'prometheus'] if p in summary]


def fmt(value, pattern):
    return 'n/a' if value is None else pattern.format(value)


def ratio(key, other, source=summary):
    a, b = source['pivot'].get(key), source.get(other, {}).get(key)
    return a / b if a and b else None


manifest = meta.get('manifest') or {}
series = manifest.get('series')
rounds = manifest.get('rounds')
title = f'## {series:,} series × {rounds} rounds' if series else '## workload'
rows = [
    ('ingest samples/s (median of reps)', 'samples_per_s', '{:,.0f}'),
    ('first round (all series new) samples/s', 'first_round_samples_per_s', '{:,.0f}'),
    ('later rounds samples/s', 'steady_samples_per_s', '{:,.0f}'),
    ('server CPU-s per 1M samples', 'cpu_s_per_million_samples', '{:.2f}'),
    ('RSS delta bytes per series', 'rss_delta_bytes_per_series', '{:,.0f}'),
    ('disk bytes/sample, live dir right after ingest', 'disk_live_after_ingest_bytes_per_sample', '{:.2f}'),
    ('disk bytes/sample after graceful stop', 'disk_after_stop_bytes_per_sample', '{:.2f}'),
    ('request latency p99 ms', 'latency_p99_ms', '{:.1f}'),
]
out = [title, '', f'Command: `{command}` ({data["meta"].get("name", "")}). Peers alternated in one run; '
       'medians over repetitions. Every peer stored every series and sample (the harness checks both).', '',
       '| metric | ' + ' | '.join(peers) + ' | pivot / victoria-metrics | pivot / prometheus |',
       '|---|' + '---:|' * (len(peers) + 2)]
for name, key, pattern in rows:
    values = [summary[p].get(key) for p in peers]
    out.append(f'| {name} | ' + ' | '.join(fmt(v, pattern) for v in values)
               + f' | {fmt(ratio(key, "victoria-metrics"), "{:.2f}")} | {fmt(ratio(key, "prometheus"), "{:.2f}")} |')
queries = summary['pivot'].get('query', {})
if queries:
    out += ['', '| query (warm median ms) | ' + ' | '.join(peers) + ' | pivot / prometheus |',
            '|---|' + '---:|' * (len(peers) + 1)]
    for name in queries:
        values = [summary[p].get('query', {}).get(name, {}).get('median_ms') for p in peers]
        prom = values[peers.index('prometheus')] if 'prometheus' in peers else None
        out.append(f'| `{name}` | ' + ' | '.join(fmt(v, '{:.1f}') for v in values)
                   + f' | {fmt(values[0] / prom if values[0] and prom else None, "{:.2f}")} |')
section = '\n'.join(out) + '\n'

try:
    text = open(doc).read()
except FileNotFoundError:
    text = '# Benchmarks\n\nProduced by `make bench` (../shared/bench with Pivot as a third peer).\n\n'
pattern = re.compile(r'^' + re.escape(title) + r'\n.*?(?=^## |\Z)', re.S | re.M)
text = pattern.sub(lambda _: section + '\n', text) if pattern.search(text) else text.rstrip('\n') + '\n\n' + section
open(doc, 'w').write(text)
print(section)
