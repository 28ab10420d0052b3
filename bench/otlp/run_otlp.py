#!/usr/bin/env python3
"""OTLP metrics ingest benchmark against the real pivot binary, one fresh server per transport.

For each transport (OTLP/HTTP protobuf, OTLP/HTTP protobuf + gzip, OTLP/gRPC) this starts
`pivot serve` on free loopback ports with an empty storage directory, waits for /-/ready, sends the
payloads written by otlp_payloads.py with otlp_bench.py (server CPU and RSS read from /proc by PID,
stored series checked through the Prometheus API), and stops the server by its PID. The results go
to WORK/otlp-results.json and, with --doc, into the "OTLP metrics ingest" section of a Markdown file
(replaced if present, other sections kept).

Usage: run_otlp.py --pivot .build/release/pivot [--series 10000] [--rounds 200] [--reps 3] [--work DIR]
                   [--doc docs/benchmarks.md --command "make bench-otlp"]
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """A process's CPU seconds so far (user + system, fields 14 and 15 of /proc/PID/stat)."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def wait_ready(url, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f'{url}: the server exited with {process.returncode}')
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f'{url} not ready after {timeout}s')


def run_transport(args, name, payloads, work):
    web, http, grpc = free_port(), free_port(), free_port()
    data = os.path.join(work, f'data-{name}')
    shutil.rmtree(data, ignore_errors=True)
    log = open(os.path.join(work, f'pivot-{name}.log'), 'w')
    process = subprocess.Popen([
        args.pivot, 'serve', f'--web.listen-address=127.0.0.1:{web}', f'--otlp.http-listen-address=127.0.0.1:{http}',
        f'--otlp.grpc-listen-address=127.0.0.1:{grpc}', f'--storage.path={data}'], stdout=log, stderr=log)
    try:
        wait_ready(f'http://127.0.0.1:{web}/-/ready', process)
        out = os.path.join(work, f'otlp-{name}.json')
        command = [sys.executable, os.path.join(HERE, 'otlp_bench.py'), '--dir', payloads, '--pid', str(process.pid),
                   '--prom-url', f'http://127.0.0.1:{web}', '--concurrency', str(args.concurrency), '--json-out', out]
        if name == 'grpc':
            command += ['--grpc', f'127.0.0.1:{grpc}']
        else:
            command += ['--url', f'http://127.0.0.1:{http}/v1/metrics', '--client', args.http_client]
        if name.endswith('gzip'):
            command += ['--gzip']
        subprocess.run(command, check=False)
        return json.load(open(out))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)


def spread(result):
    runs = result.get('runs_points_per_second') or []
    return f'{min(runs):,.0f} – {max(runs):,.0f}' if len(runs) > 1 else 'n/a'


def render(results, manifests, command):
    title = '## OTLP metrics ingest'
    lines = [title, '',
             f'Command: `{command}`. One fresh `pivot` (release) per run, its storage empty; each row is the median '
             'of its runs by data points/s, with the slowest and fastest run beside it; the Python sender '
             '(`bench/otlp/otlp_bench.py`; HTTP: keep-alive HTTP/1.1 on plain sockets, gRPC: grpc.aio) runs on the same 2 '
             'cores, and its CPU is in the table. Requests of ~1,000 data points; 10% of sum and '
             'histogram points carry an exemplar. Workloads:', '']
    for workload, manifest in manifests.items():
        what = ('gauges, monotonic sums and 10-bucket histograms (40/40/20); a histogram point is one data point '
                'but 13 samples' if workload == 'mixed' else 'gauges and monotonic sums (one sample per point)')
        lines.append(f'- **{workload}**: {what}; {manifest.get("points", 0):,} points in {manifest.get("requests", 0):,} '
                     f'requests ({manifest.get("series", 0):,} point streams × {manifest.get("rounds", 0)} rounds), '
                     f'{manifest.get("prometheus_series", 0):,} Prometheus series after translation.')
    lines += ['',
              '| workload | transport | data points/s | runs: slowest – fastest | samples/s (approx.) '
              '| server CPU-s per 1M points | sender CPU-s | p50 ms | p99 ms | RSS after MiB | failed / rejected | series stored |',
              '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|']
    for (workload, name), r in results.items():
        manifest = manifests[workload]
        samples_per_point = manifest.get('prometheus_series', 0) / manifest['series'] if manifest.get('series') else None
        server = r.get('server') or {}
        latency = r.get('latency_ms') or {}
        verify = r.get('verify') or {}
        pps = r.get('points_per_second') or 0
        sps = f'{pps * samples_per_point:,.0f}' if samples_per_point else 'n/a'
        stored = verify.get('series')
        expected = verify.get('expected_series')
        lines.append(
            f'| {workload} | {name} | {pps:,.0f} | {spread(r)} | {sps} | {server.get("cpu_seconds_per_million_points", float("nan")):.2f} '
            f'| {r.get("client_cpu_seconds", 0):.1f} | {latency.get("p50", 0):.1f} | {latency.get("p99", 0):.1f} '
            f'| {(server.get("rss_bytes_after") or 0) / 2**20:.0f} | {r.get("failed_points", 0)} / {r.get("rejected_data_points", 0)} '
            f'| {stored if stored is not None else "n/a"} / {expected if expected is not None else "n/a"} |')
    return '\n'.join(lines) + '\n'


def replace_section(doc, section):
    text = open(doc).read() if os.path.exists(doc) else '# Benchmarks\n'
    title = section.splitlines()[0]
    pattern = re.compile(r'^' + re.escape(title) + r'\n.*?(?=^## |\Z)', re.S | re.M)
    text = pattern.sub(lambda _: section + '\n', text) if pattern.search(text) else text.rstrip('\n') + '\n\n' + section
    open(doc, 'w').write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pivot', required=True)
    parser.add_argument('--series', type=int, default=10000)
    parser.add_argument('--rounds', type=int, default=200)
    parser.add_argument('--concurrency', type=int, default=4)
    parser.add_argument('--work', default=os.path.join(os.getcwd(), '.build-bench', 'otlp'))
    parser.add_argument('--transports', default='http,http-gzip,grpc')
    parser.add_argument('--workloads', default='mixed,numbers',
                        help='mixed: gauges, sums and 10-bucket histograms (40/40/20); numbers: gauges and sums only')
    parser.add_argument('--http-client', default='sockets', choices=['sockets', 'aiohttp', 'threads'],
                        help='otlp_bench.py client for the HTTP transports (default sockets: the least sender CPU)')
    parser.add_argument('--reps', type=int, default=3, help='runs per row; the row shows the median run (default 3)')
    parser.add_argument('--doc')
    parser.add_argument('--command', default='make bench-otlp')
    args = parser.parse_args()
    args.pivot = os.path.abspath(args.pivot)
    os.makedirs(args.work, exist_ok=True)
    results = {}
    manifest = {}
    manifests = {}
    mixes = {'mixed': 'gauge=0.4,sum=0.4,histogram=0.2', 'numbers': 'gauge=0.5,sum=0.5,histogram=0'}
    for workload in args.workloads.split(','):
        for name in args.transports.split(','):
            # Fresh payloads per run: their timestamps end at generation time.
            payloads = os.path.join(args.work, 'payloads')
            shutil.rmtree(payloads, ignore_errors=True)
            subprocess.run([sys.executable, os.path.join(HERE, 'otlp_payloads.py'), '--series', str(args.series),
                            '--rounds', str(args.rounds), '--mix', mixes[workload], '--out', payloads], check=True)
            manifests[workload] = json.load(open(os.path.join(payloads, 'manifest.json')))
            # Run to run, the same workload varies by up to a third here (two vCPUs whose caches the
            # host shares out differently each time): the row is the run with the median rate.
            runs = sorted((run_transport(args, name, payloads, args.work) for _ in range(args.reps)),
                          key=lambda r: r.get('points_per_second') or 0)
            median = dict(runs[len(runs) // 2])
            median['runs_points_per_second'] = [r.get('points_per_second') or 0 for r in runs]
            results[(workload, name)] = median
    json.dump({'manifests': manifests, 'results': {f'{w}/{t}': r for (w, t), r in results.items()}},
              open(os.path.join(args.work, 'otlp-results.json'), 'w'), indent=1)
    section = render(results, manifests, args.command)
    print(section)
    if args.doc:
        replace_section(args.doc, section)


if __name__ == '__main__':
    main()
