#!/usr/bin/env python3
"""Times trace lookups and searches against Pivot's Tempo and Jaeger APIs after trace ingest.

Usage: trace_query_bench.py --url http://127.0.0.1:9090 --dir PAYLOAD_DIR [--runs 200] [--json-out F]

Uses the manifest written by trace_payloads.py: `sample_trace_ids` (ids that were sent) for
trace-by-id (`/api/v2/traces/<id>` with Accept: application/protobuf, as Grafana asks, and
`/jaeger/api/traces/<id>`), and its services for searches (`/api/search` by service + minDuration,
a TraceQL attribute filter, and Jaeger's search). Reports p50/p99/max in milliseconds per query and
checks every lookup found its trace.
"""
import argparse
import json
import os
import statistics
import time
import urllib.parse
import urllib.request


def timed_get(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        status = response.status
    return (time.perf_counter() - began) * 1000, status, body


def summary(times):
    times = sorted(times)
    pick = lambda q: round(times[min(len(times) - 1, int(q * len(times)))], 2)
    return {"runs": len(times), "p50_ms": pick(0.5), "p99_ms": pick(0.99), "max_ms": round(times[-1], 2),
            "mean_ms": round(statistics.mean(times), 2)}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--json-out")
    args = p.parse_args()
    manifest = json.load(open(os.path.join(args.dir, "manifest.json")))
    base = args.url.rstrip("/")
    ids = manifest["sample_trace_ids"]
    start, end = [t // 1_000_000_000 for t in manifest["time_range_ns"]]
    report = {"spans_stored": manifest["spans"], "traces_stored": manifest["traces"]}
    problems = []

    for name, path, accept in [("tempo_v2_protobuf", "/api/v2/traces/{}", "application/protobuf"),
                               ("jaeger", "/jaeger/api/traces/{}", None)]:
        times = []
        for i in range(args.runs):
            ms, status, body = timed_get(base + path.format(ids[i % len(ids)]), accept)
            if status != 200 or len(body) < 100:
                problems.append(f"{name} {ids[i % len(ids)]}: status {status}, {len(body)} bytes")
            times.append(ms)
        report["trace_by_id_" + name] = summary(times)

    searches = {
        "search_service_min_duration": "/api/search?" + urllib.parse.urlencode(
            {"tags": "service.name={}", "minDuration": "100ms", "limit": 20, "start": start, "end": end + 1}),
        "search_traceql_attribute": "/api/search?" + urllib.parse.urlencode(
            {"q": '{ resource.service.name = "{}" && span.http.response.status_code = 500 }', "limit": 20,
             "start": start, "end": end + 1}),
        "jaeger_search_service_min_duration": "/jaeger/api/traces?" + urllib.parse.urlencode(
            {"service": "{}", "minDuration": "100ms", "limit": 20}),
    }
    services = manifest["services"]
    for name, template in searches.items():
        times = []
        found = 0
        for i in range(max(20, args.runs // 5)):
            service = services[i % len(services)]
            url = base + template.replace("%7B%7D", urllib.parse.quote(service)).replace("{}", service)
            ms, status, body = timed_get(url)
            document = json.loads(body)
            found += len(document.get("traces") or document.get("data") or [])
            times.append(ms)
        report[name] = summary(times) | {"traces_returned": found}
    report["problems"] = problems
    text = json.dumps(report, indent=1)
    if args.json_out:
        open(args.json_out, "w").write(text)
    print(text)


if __name__ == "__main__":
    main()
