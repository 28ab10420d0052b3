#!/usr/bin/env python3
"""Writes OTLP ExportTraceServiceRequest protobuf payloads for the trace ingest benchmark.

Realistic spans: traces of --spans-per-trace spans (a server root and nested client/internal
children) over a few services; every span has 10-20 attributes (HTTP, DB, RPC, user and host
keys with string, int, double and bool values), about one in three spans carries 1-3 events, and
roots end with an error status now and then. Durations are log-normal (a few ms to seconds), start
times spread over the last --window seconds.

Output (in --out): one file per request (`rRRRRR-QQQQ.pb`, --spans-per-request spans each) and
manifest.json: {"signal": "traces", "points": <spans>, "requests", "rounds_files": [[[file, spans],
...], ...], "traces", "services", "sample_trace_ids": [...], "time_range_ns": [start, end]} — the
format bench/otlp/otlp_bench.py sends (`points` counts spans). Seeded: the same arguments give the
same files except timestamps, which end at --end (default now).
"""
import argparse
import json
import math
import os
import random
import time

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

SERVICES = ["checkout", "cart", "payment", "search", "inventory", "shipping", "frontend", "auth"]
ROUTES = ["/api/checkout", "/api/cart", "/api/search", "/api/items/{id}", "/api/pay", "/health"]
TABLES = ["orders", "items", "users", "payments", "stock"]


def kv(key, value):
    pair = common_pb2.KeyValue(key=key)
    if isinstance(value, bool):
        pair.value.bool_value = value
    elif isinstance(value, int):
        pair.value.int_value = value
    elif isinstance(value, float):
        pair.value.double_value = value
    else:
        pair.value.string_value = value
    return pair


def attributes(rng, kind, service, depth):
    route = rng.choice(ROUTES)
    attrs = [
        ("http.request.method", rng.choice(["GET", "POST", "PUT"])),
        ("http.route", route),
        ("url.path", route.replace("{id}", str(rng.randrange(10_000)))),
        ("http.response.status_code", rng.choice([200, 200, 200, 201, 404, 500])),
        ("server.address", f"{service}.svc.cluster.local"),
        ("server.port", 8080),
        ("network.protocol.version", "1.1"),
        ("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) bench"),
        ("enduser.id", f"user-{rng.randrange(100_000)}"),
        ("thread.id", rng.randrange(1, 64)),
    ]
    if kind == 3:
        table = rng.choice(TABLES)
        attrs += [("db.system", "postgresql"), ("db.name", "shop"), ("db.operation", "SELECT"),
                  ("db.sql.table", table), ("db.statement", f"SELECT * FROM {table} WHERE id = $1"),
                  ("net.peer.name", "db.internal"), ("db.rows_affected", rng.randrange(100))]
    extra = rng.randrange(0, 4)
    attrs += [("app.cache_hit", rng.random() < 0.5), ("app.retry_count", rng.randrange(3)),
              ("app.sample_ratio", round(rng.random(), 3)), ("app.depth", depth)][:extra + 1]
    return [kv(k, v) for k, v in attrs]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="/tmp/pivot-trace-payloads")
    p.add_argument("--spans", type=int, default=1_000_000, help="total spans (default 1,000,000)")
    p.add_argument("--spans-per-trace", type=int, default=10)
    p.add_argument("--spans-per-request", type=int, default=1000)
    p.add_argument("--requests-per-round", type=int, default=20)
    p.add_argument("--window", type=float, default=3600.0, help="seconds the traces' start times spread over")
    p.add_argument("--end", type=float, default=None)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()

    rng = random.Random(args.seed)
    end = args.end or time.time()
    start_window = end - args.window
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.endswith(".pb"):
            os.remove(os.path.join(args.out, name))

    began = time.time()
    traces = args.spans // args.spans_per_trace
    per_request_traces = max(1, args.spans_per_request // args.spans_per_trace)
    rounds_files = []
    current_round = []
    samples = []
    request_index = 0
    total_spans = 0
    min_start = None
    max_end = 0
    for first in range(0, traces, per_request_traces):
        by_service = {}
        for t in range(first, min(traces, first + per_request_traces)):
            trace_id = rng.getrandbits(128).to_bytes(16, "big")
            if len(samples) < 200 and rng.random() < 0.01:
                samples.append(trace_id.hex())
            root_start = int((start_window + rng.random() * args.window) * 1e9)
            root_duration = int(math.exp(rng.gauss(math.log(50e6), 1.0)))
            spans_info = []
            for i in range(args.spans_per_trace):
                if i == 0:
                    parent = None
                    start, duration, kind, depth = root_start, root_duration, 2, 0
                else:
                    parent_index = rng.randrange(i)
                    parent_start, parent_duration, _, parent_depth = spans_info[parent_index][1:5]
                    start = parent_start + int(rng.random() * parent_duration * 0.5)
                    duration = max(1000, int(parent_duration * rng.random() * 0.5))
                    kind, depth = rng.choice([1, 3, 3]), parent_depth + 1
                    parent = spans_info[parent_index][0]
                span_id = rng.getrandbits(64).to_bytes(8, "big")
                spans_info.append((span_id, start, duration, kind, depth, parent))
            root_service = rng.choice(SERVICES)
            for i, (span_id, start, duration, kind, depth, parent) in enumerate(spans_info):
                service = root_service if i == 0 or rng.random() < 0.5 else rng.choice(SERVICES)
                span = trace_pb2.Span(trace_id=trace_id, span_id=span_id, name=(
                    f"{['GET', 'POST'][i % 2]} {rng.choice(ROUTES)}" if kind == 2 else
                    f"SELECT {rng.choice(TABLES)}" if kind == 3 else f"process {rng.choice(TABLES)}"),
                    kind=kind, start_time_unix_nano=start, end_time_unix_nano=start + duration)
                if parent:
                    span.parent_span_id = parent
                span.attributes.extend(attributes(rng, kind, service, depth))
                if rng.random() < 0.33:
                    for e in range(rng.randrange(1, 4)):
                        event = span.events.add(name=rng.choice(["cache miss", "retry", "exception", "acquired lock"]),
                                                time_unix_nano=start + int(duration * (e + 1) / 4))
                        event.attributes.extend([kv("event.detail", f"detail {rng.randrange(1000)}"),
                                                 kv("event.count", rng.randrange(10))])
                if i == 0 and rng.random() < 0.05:
                    span.status.code = trace_pb2.Status.STATUS_CODE_ERROR
                    span.status.message = "upstream failed"
                by_service.setdefault(service, []).append(span)
                min_start = start if min_start is None else min(min_start, start)
                max_end = max(max_end, start + duration)
                total_spans += 1
        request = trace_service_pb2.ExportTraceServiceRequest()
        count = 0
        for service, spans in by_service.items():
            rs = request.resource_spans.add()
            rs.resource.attributes.extend([kv("service.name", service), kv("service.instance.id", f"{service}-1"),
                                           kv("host.name", f"node-{hash(service) % 7}"),
                                           kv("telemetry.sdk.language", "python")])
            ss = rs.scope_spans.add()
            ss.scope.name = "bench.tracer"
            ss.scope.version = "1.0.0"
            ss.spans.extend(spans)
            count += len(spans)
        name = f"r{len(rounds_files):06d}-{len(current_round):04d}.pb"
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(request.SerializeToString())
        current_round.append([name, count])
        request_index += 1
        if len(current_round) == args.requests_per_round:
            rounds_files.append(current_round)
            current_round = []
    if current_round:
        rounds_files.append(current_round)
    manifest = {
        "signal": "traces", "points": total_spans, "spans": total_spans, "traces": traces,
        "requests": request_index, "services": SERVICES, "rounds_files": rounds_files,
        "sample_trace_ids": samples, "time_range_ns": [min_start, max_end],
        "generation_seconds": round(time.time() - began, 1),
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    print(f"wrote {request_index} requests, {total_spans:,} spans in {traces:,} traces to {args.out} "
          f"in {manifest['generation_seconds']} s")


if __name__ == "__main__":
    main()
