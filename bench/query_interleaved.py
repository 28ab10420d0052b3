#!/usr/bin/env python3
"""The peer benchmark's queries against Pivot and Prometheus side by side, interleaved query by query.

`../shared/bench/run_peers.py` runs one peer at a time: ingest, then every query, then the next
peer. On this machine the speed of everything (servers and client alike) swings by up to 2.5x over
seconds to minutes, so a row can land on either side of a ratio by when each peer happened to run.
This script starts both servers at once on the same ingested data, then for each round and each
query measures one peer right after the other (the order alternating by round), exactly as
`query_bench.py` measures a query: 7 requests on a keep-alive connection, the answer parsed after
each, the median of the last 6. It prints, per query, each peer's median over the rounds and the
median of the per-round ratios (pivot / prometheus): a ratio of two timings taken seconds apart.

    python3 bench/query_interleaved.py --pivot .build/release/pivot --payloads DIR [--rounds 7]

DIR holds payloads from `../shared/bench/rw_payloads.py` (`make bench-peers` leaves them in
`.build-bench/.data/`). Both servers bind to 127.0.0.1 on free ports, keep their data in a temporary
directory, and are stopped by PID at the end.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_BENCH = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench"))
sys.path.insert(0, os.path.join(HERE, "otlp"))
from run_otlp import cpu_seconds, free_port, wait_ready  # noqa: E402  (the OTLP benchmark's server helpers)


def settle(procs, quiet=0.02, timeout=120):
    """Waits until every server used under `quiet` of a core over a second (background work after
    ingest, such as Prometheus's, would otherwise land on the other peer's timings)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        before = {name: cpu_seconds(proc.pid) for name, proc in procs.items()}
        time.sleep(1)
        busy = {name: cpu_seconds(proc.pid) - before[name] for name, proc in procs.items()}
        if all(value < quiet for value in busy.values()):
            return
    print(f"[query_interleaved] servers still busy after {timeout}s: {busy}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pivot", required=True, help="path of the pivot binary")
    ap.add_argument("--payloads", required=True, help="directory of rw_payloads.py output (with manifest.json)")
    ap.add_argument("--rounds", type=int, default=7, help="rounds over every query (default 7)")
    ap.add_argument("--runs", type=int, default=7, help="requests per query and peer in a round (default 7)")
    ap.add_argument("--bench", default=SHARED_BENCH, help="the shared benchmark's directory")
    ap.add_argument("--out", help="also write the results as JSON here")
    args = ap.parse_args()
    args.pivot = os.path.abspath(args.pivot)
    args.bench = os.path.abspath(args.bench)
    args.payloads = os.path.abspath(args.payloads)

    sys.path.insert(0, args.bench)
    import query_bench as qb  # the benchmark's own queries, client and timing

    with open(os.path.join(args.payloads, "manifest.json")) as f:
        man = json.load(f)
    t_end, t_start = man["end_ms"] / 1000.0, man["start_ms"] / 1000.0

    work = tempfile.mkdtemp(prefix="pivot-interleaved-")
    ports = {"pivot": free_port(), "prometheus": free_port()}
    commands = {
        "pivot": [args.pivot, "serve", f"--web.listen-address=127.0.0.1:{ports['pivot']}",
                  "--otlp.http-listen-address=", "--otlp.grpc-listen-address=",
                  f"--storage.path={work}/pivot"],
        "prometheus": ["prometheus", f"--config.file={args.bench}/prometheus.yml",
                       f"--web.listen-address=127.0.0.1:{ports['prometheus']}",
                       f"--storage.tsdb.path={work}/prometheus", "--web.enable-remote-write-receiver",
                       "--enable-feature=exemplar-storage"],
    }
    procs = {}
    try:
        for name, cmd in commands.items():
            log = open(os.path.join(work, f"{name}.log"), "wb")
            procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=work)
        for name, port in ports.items():
            wait_ready(f"http://127.0.0.1:{port}/-/ready", procs[name])
        for name, port in ports.items():
            subprocess.run([sys.executable, os.path.join(args.bench, "rw_bench.py"), "--url",
                            f"http://127.0.0.1:{port}/api/v1/write", "--payloads", args.payloads,
                            "--concurrency", "4"], check=True, stdout=subprocess.DEVNULL)
        settle(procs)
        clients = {name: qb.Client(f"http://127.0.0.1:{port}") for name, port in ports.items()}
        # Same data in both, or the comparison means nothing.
        for name, client in clients.items():
            status, body, _ = client.get("/api/v1/query", {"query": 'count({job=~".+"})', "time": t_end})
            got = float(json.loads(body)["data"]["result"][0]["value"][1])
            if status != 200 or got != man["series"]:
                raise RuntimeError(f"{name} holds {got} series, expected {man['series']}")

        medians = {}  # "kind:query" -> peer -> [median per round]
        for round_index in range(args.rounds):
            order = list(clients) if round_index % 2 == 0 else list(reversed(list(clients)))
            for query_name, expr in qb.QUERIES:
                for kind, path, params in (
                    ("instant", "/api/v1/query", {"query": expr, "time": t_end, "nocache": "1"}),
                    ("range", "/api/v1/query_range",
                     {"query": expr, "start": t_start, "end": t_end, "step": "60s", "nocache": "1"}),
                ):
                    for peer in order:
                        result = qb.bench_one(clients[peer], path, params, args.runs)
                        if result.get("http_status") != 200:
                            raise RuntimeError(f"{peer} {kind}:{query_name}: HTTP {result.get('http_status')}")
                        medians.setdefault(f"{kind}:{query_name}", {}).setdefault(peer, []).append(result["median_ms"])
            print(f"[query_interleaved] round {round_index + 1} of {args.rounds}", file=sys.stderr)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)

    rows = []
    print(f"{man['series']:,} series; {args.rounds} rounds, each query measured on both peers one after "
          f"the other ({args.runs} requests each, median of the last {args.runs - 1})\n")
    print("| query | pivot ms | prometheus ms | median of per-round ratios | highest round ratio |")
    print("|---|---:|---:|---:|---:|")
    for key, by_peer in medians.items():
        ratios = [p / q for p, q in zip(by_peer["pivot"], by_peer["prometheus"]) if q > 0]
        row = {"query": key, "pivot_ms": statistics.median(by_peer["pivot"]),
               "prometheus_ms": statistics.median(by_peer["prometheus"]),
               "ratio": statistics.median(ratios), "highest_ratio": max(ratios), "rounds": by_peer}
        rows.append(row)
        print(f"| `{key}` | {row['pivot_ms']:.2f} | {row['prometheus_ms']:.2f} | {row['ratio']:.2f} | "
              f"{row['highest_ratio']:.2f} |")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"series": man["series"], "rounds": args.rounds, "runs": args.runs, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
