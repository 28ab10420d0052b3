#!/usr/bin/env python3
"""Query latency with pauses between requests, against any Prometheus-compatible endpoint.

The peer benchmark (`../shared/bench/query_bench.py`) sends each query right after the previous
answer was read and parsed. On this machine an idle pause before a request costs every server a
wake-up of parked threads and idle cores, which for sub-millisecond queries is larger than the
query itself. This script repeats a few of the benchmark's queries with fixed pauses (0, 2, 10 and
50 ms by default) and prints the median latency for each, so two servers can be compared under the
same conditions.

    python3 bench/query_gaps.py --url http://127.0.0.1:9090 --manifest PAYLOAD_DIR/manifest.json

The data must be the payloads of `manifest.json`, already ingested (e.g. with
`../shared/bench/rw_bench.py`). Instant queries use the last sample's time; range queries the whole
window with a 60 s step, as the benchmark does.
"""
import argparse
import http.client
import json
import statistics
import time
import urllib.parse

QUERIES = [
    ("range", "selector", 'node_cpu_seconds_total{mode="idle"}'),
    ("instant", "count_by", "count by (cluster) (node_load1)"),
    ("range", "count_by", "count by (cluster) (node_load1)"),
    ("instant", "topk", "topk(5, rate(node_network_transmit_bytes_total[5m]))"),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--runs", type=int, default=40, help="requests per query and pause")
    ap.add_argument("--gaps-ms", default="0,2,10,50", help="pauses between requests, comma-separated")
    args = ap.parse_args()

    with open(args.manifest) as f:
        man = json.load(f)
    start, end = man["start_ms"] / 1000.0, man["end_ms"] / 1000.0
    u = urllib.parse.urlsplit(args.url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
    gaps = [float(g) / 1000 for g in args.gaps_ms.split(",")]
    print("query".ljust(20) + "".join(f"{'gap ' + str(int(g * 1000)) + ' ms':>14}" for g in gaps))
    for kind, name, expr in QUERIES:
        if kind == "instant":
            path = "/api/v1/query?" + urllib.parse.urlencode({"query": expr, "time": end, "nocache": 1})
        else:
            path = "/api/v1/query_range?" + urllib.parse.urlencode(
                {"query": expr, "start": start, "end": end, "step": "60s", "nocache": 1})
        cells = []
        for gap in gaps:
            times = []
            for _ in range(args.runs):
                t = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                times.append(time.perf_counter() - t)
                if response.status != 200:
                    raise SystemExit(f"{kind}:{name} answered HTTP {response.status}")
                if gap:
                    time.sleep(gap)
            cells.append(f"{statistics.median(times) * 1e3:>11.2f} ms")
        print(f"{kind}:{name}".ljust(20) + "".join(cells))


if __name__ == "__main__":
    main()
