#!/usr/bin/env python3
"""Writes OTLP ExportMetricsServiceRequest protobuf payloads for the OTLP ingest benchmark.

The workload is a fixed set of point streams (one stream = one OTLP data point identity: resource,
metric and attributes) spread over a few services. Each round every stream reports one data point;
rounds are `--step` seconds apart and the last round is at `--end` (default: now). Streams are a mix
of gauges, monotonic cumulative sums and explicit-bucket histograms; a fraction of the sum and
histogram points carries one exemplar with a trace_id/span_id.

Output (in --out): one file per request, `rRRRRR-QQQQ.pb` (round R, request Q of that round), each an
ExportMetricsServiceRequest of at most --points-per-request data points (a histogram point counts as
one), plus manifest.json with the totals and the Prometheus series the workload should produce.

Needs the `opentelemetry-proto` package (installed with the OTLP exporters). Seeded: the same
arguments give the same files, except timestamps, which follow --end.
"""

import argparse
import json
import os
import random
import sys
import time

from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2

CUMULATIVE = metrics_pb2.AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
METHODS = ("GET", "POST", "PUT", "DELETE")

# (OTLP name, kind, unit, value type, Prometheus base name under UnderscoreEscapingWithSuffixes).
# Histogram base names get _bucket/_sum/_count; monotonic sums already carry _total here.
FAMILIES = {
    "gauge": [
        ("bench.memory.usage", "gauge", "By", "double", "bench_memory_usage_bytes"),
        ("bench.temperature", "gauge", "Cel", "double", "bench_temperature_celsius"),
        ("bench.queue.depth", "gauge", "{item}", "int", "bench_queue_depth"),
    ],
    "sum": [
        ("bench.requests", "sum", "{request}", "int", "bench_requests_total"),
        ("bench.network.io", "sum", "By", "double", "bench_network_io_bytes_total"),
    ],
    "histogram": [
        ("bench.request.duration", "histogram", "s", "double", "bench_request_duration_seconds"),
        ("bench.response.size", "histogram", "By", "double", "bench_response_size_bytes"),
    ],
}
HISTOGRAM_BASE = {"bench.request.duration": 0.005, "bench.response.size": 100.0}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="/tmp/pivot-otlp-payloads", help="output directory (created; old *.pb removed)")
    p.add_argument("--series", type=int, default=10_000, help="distinct point streams (default 10000)")
    p.add_argument("--rounds", type=int, default=60, help="rounds; every stream reports once a round (default 60)")
    p.add_argument("--step", type=float, default=15.0, help="seconds between rounds (default 15)")
    p.add_argument("--end", type=float, default=None, help="unix seconds of the last round (default: now)")
    p.add_argument("--points-per-request", type=int, default=1000, help="data points per request (default 1000)")
    p.add_argument("--services", type=int, default=5, help="services (default 5)")
    p.add_argument("--instances", type=int, default=2, help="instances (resources) per service (default 2)")
    p.add_argument("--buckets", type=int, default=10, help="explicit bounds per histogram (default 10)")
    p.add_argument("--mix", default="gauge=0.4,sum=0.4,histogram=0.2", help="share of streams per kind")
    p.add_argument("--exemplar-fraction", type=float, default=0.1,
                   help="share of sum and histogram points that carry an exemplar (default 0.1)")
    p.add_argument("--seed", type=int, default=42)
    return p.parse_args(argv)


def kv(key, value):
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(string_value=value))


def split(total, parts):
    """Splits total into len(parts) integers proportional to the weights in parts."""
    weights = sum(parts)
    counts = [int(total * w / weights) for w in parts]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


class Slot:
    """One point stream: its data point message inside a request template and its running state."""

    __slots__ = ("kind", "value_type", "dp", "value", "counts", "total", "bounds", "base")

    def __init__(self, kind, value_type, dp, bounds=None, base=0.0):
        self.kind = kind
        self.value_type = value_type
        self.dp = dp
        self.value = 0
        self.total = 0.0
        self.bounds = bounds
        self.base = base
        self.counts = [0] * (len(bounds) + 1) if bounds is not None else None


def build_templates(args, rng):
    """Returns (requests, families): request templates as (message, [Slot]) and per-family stream counts."""
    mix = {}
    for part in args.mix.split(","):
        name, _, share = part.partition("=")
        if name not in FAMILIES:
            sys.exit(f"unknown kind in --mix: {name}")
        mix[name] = float(share)
    kinds = [k for k in ("gauge", "sum", "histogram") if mix.get(k, 0) > 0]
    resources = args.services * args.instances
    per_resource = split(args.series, [1] * resources)
    bounds_by_family = {name: [base * 2 ** i for i in range(args.buckets)] for name, base in HISTOGRAM_BASE.items()}
    family_streams = {}
    requests = []
    for r in range(resources):
        service, instance = divmod(r, args.instances)
        resource = metrics_pb2.ResourceMetrics().resource
        resource.attributes.extend([
            kv("service.name", f"bench-svc-{service}"),
            kv("service.instance.id", f"bench-svc-{service}-{instance}"),
            kv("host.name", f"bench-host-{instance}"),
            kv("deployment.environment.name", "bench"),
        ])
        # The ordered point streams of this resource: (family, index within family).
        streams = []
        for kind, count in zip(kinds, split(per_resource[r], [mix[k] for k in kinds])):
            families = FAMILIES[kind]
            for family, n in zip(families, split(count, [1] * len(families))):
                family_streams[family[0]] = family_streams.get(family[0], 0) + n
                streams.extend((family, k) for k in range(n))
        for start in range(0, len(streams), args.points_per_request):
            request = metrics_service_pb2.ExportMetricsServiceRequest()
            rm = request.resource_metrics.add()
            rm.resource.CopyFrom(resource)
            sm = rm.scope_metrics.add()
            sm.scope.name = "pivot.bench"
            sm.scope.version = "1.0.0"
            slots = []
            metric = None
            for family, k in streams[start:start + args.points_per_request]:
                name, kind, unit, value_type, _ = family
                if metric is None or metric.name != name:
                    metric = sm.metrics.add(name=name, unit=unit, description=f"benchmark {kind} {name}")
                    if kind == "sum":
                        metric.sum.aggregation_temporality = CUMULATIVE
                        metric.sum.is_monotonic = True
                    elif kind == "histogram":
                        metric.histogram.aggregation_temporality = CUMULATIVE
                container = getattr(metric, kind)
                dp = container.data_points.add()
                attrs = dp.attributes
                attrs.add(key="http.route", value=common_pb2.AnyValue(string_value=f"/api/r{k // 4}"))
                attrs.add(key="http.request.method", value=common_pb2.AnyValue(string_value=METHODS[k % 4]))
                if kind == "histogram":
                    bounds = bounds_by_family[name]
                    dp.explicit_bounds.extend(bounds)
                    slot = Slot(kind, value_type, dp, bounds=bounds, base=HISTOGRAM_BASE[name])
                else:
                    slot = Slot(kind, value_type, dp)
                    slot.value = rng.randint(0, 1000) if value_type == "int" else rng.uniform(0, 1000)
                slots.append(slot)
            requests.append((request, slots))
    return requests, family_streams


def advance(slots, rng, t_ns, start_ns, exemplar_fraction):
    """Moves every stream of one request to the next round; returns the exemplars written."""
    exemplars = 0
    randint = rng.randint
    rand = rng.random
    randbytes = rng.randbytes
    for s in slots:
        dp = s.dp
        dp.time_unix_nano = t_ns
        kind = s.kind
        if kind == "gauge":
            if s.value_type == "int":
                s.value = max(0, s.value + randint(-5, 5))
                dp.as_int = s.value
            else:
                s.value = abs(s.value + (rand() - 0.5) * 10)
                dp.as_double = s.value
            continue
        dp.start_time_unix_nano = start_ns
        if dp.exemplars:
            del dp.exemplars[:]
        with_exemplar = rand() < exemplar_fraction
        if kind == "sum":
            step = randint(0, 50)
            if s.value_type == "int":
                s.value += step
                dp.as_int = s.value
            else:
                s.value += step * 1.5
                dp.as_double = s.value
            if with_exemplar:
                ex = dp.exemplars.add(time_unix_nano=t_ns - randint(0, 10_000) * 1_000_000,
                                      trace_id=randbytes(16), span_id=randbytes(8))
                if s.value_type == "int":
                    ex.as_int = 1
                else:
                    ex.as_double = 1.5
                exemplars += 1
        else:
            counts = s.counts
            added = 0
            for i in range(len(counts)):
                c = randint(0, 3)
                counts[i] += c
                added += c
            s.total += added * s.base * 4
            dp.count = sum(counts)
            dp.sum = s.total
            dp.bucket_counts[:] = counts
            if with_exemplar:
                dp.exemplars.add(time_unix_nano=t_ns - randint(0, 10_000) * 1_000_000,
                                 as_double=s.base * (1 + rand() * 8),
                                 trace_id=randbytes(16), span_id=randbytes(8))
                exemplars += 1
    return exemplars


def main(argv=None):
    args = parse_args(argv)
    began = time.monotonic()
    rng = random.Random(args.seed)
    requests, family_streams = build_templates(args, rng)
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if name.endswith(".pb") or name == "manifest.json":
            os.remove(os.path.join(args.out, name))
    end = time.time() if args.end is None else args.end
    end_ns = int(end * 1e9) // 1_000_000 * 1_000_000
    step_ns = int(args.step * 1e9)
    first_ns = end_ns - (args.rounds - 1) * step_ns
    start_ns = first_ns - step_ns  # start time of every cumulative stream
    rounds = []
    total_bytes = 0
    total_exemplars = 0
    for r in range(args.rounds):
        t_ns = first_ns + r * step_ns
        files = []
        for q, (request, slots) in enumerate(requests):
            total_exemplars += advance(slots, rng, t_ns, start_ns, args.exemplar_fraction)
            data = request.SerializeToString()
            name = f"r{r:05d}-{q:04d}.pb"
            with open(os.path.join(args.out, name), "wb") as f:
                f.write(data)
            total_bytes += len(data)
            files.append([name, len(slots)])
        rounds.append(files)
    elapsed = time.monotonic() - began

    families = []
    prometheus_series = 0
    for kind in ("gauge", "sum", "histogram"):
        for name, _, unit, value_type, prom in FAMILIES[kind]:
            streams = family_streams.get(name, 0)
            if kind == "histogram":
                names = [prom + "_bucket", prom + "_sum", prom + "_count"]
                series = streams * (args.buckets + 3)  # buckets incl. +Inf, _sum, _count
            else:
                names = [prom]
                series = streams
            prometheus_series += series
            families.append({"otlp_name": name, "kind": kind, "unit": unit, "value_type": value_type,
                             "streams": streams, "prometheus_names": names, "prometheus_series": series})
    points_per_round = sum(len(slots) for _, slots in requests)
    resources = args.services * args.instances
    manifest = {
        "format": "OTLP ExportMetricsServiceRequest, protobuf, uncompressed",
        "seed": args.seed,
        "series": args.series,
        "resources": resources,
        "rounds": args.rounds,
        "step_seconds": args.step,
        "first_round_unix_ms": first_ns // 1_000_000,
        "last_round_unix_ms": end_ns // 1_000_000,
        "cumulative_start_unix_ms": start_ns // 1_000_000,
        "requests": len(requests) * args.rounds,
        "requests_per_round": len(requests),
        "points": points_per_round * args.rounds,
        "points_per_round": points_per_round,
        "exemplars": total_exemplars,
        "bytes": total_bytes,
        "histogram_bounds": args.buckets,
        "prometheus_series": prometheus_series,
        "prometheus_series_note": "series named bench_*, excluding target_info; query count({__name__=~\"bench_.+\"})",
        "target_info_series": resources,
        "families": families,
        "generation_seconds": round(elapsed, 3),
        "rounds_files": rounds,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {manifest['requests']} requests, {manifest['points']} points, {total_exemplars} exemplars, "
          f"{total_bytes / 1e6:.1f} MB to {args.out} in {elapsed:.1f} s "
          f"({manifest['points'] / elapsed:,.0f} points/s); expected Prometheus series {prometheus_series} "
          f"(+{resources} target_info)")


if __name__ == "__main__":
    main()
