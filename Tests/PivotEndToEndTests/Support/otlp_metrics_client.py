#!/usr/bin/env python3
"""Exports OTLP metrics with exemplars once through the OpenTelemetry Python SDK, for end-to-end tests.

Usage:
  otlp_metrics_client.py --transport grpc       --endpoint 127.0.0.1:4317 --service-name NAME
  otlp_metrics_client.py --transport http-proto --endpoint http://127.0.0.1:4318 --service-name NAME
  otlp_metrics_client.py --transport http-json  --endpoint http://127.0.0.1:4318/v1/metrics --service-name NAME

Options for a secured Pivot (grpc and http-proto): --header NAME=VALUE (repeatable; for example
authorization=Basic ...) and --ca-file PEM (TLS, trusting that certificate; for gRPC the endpoint's
host must match the certificate).

For HTTP an endpoint without a path gets /v1/metrics appended. Inside one sampled span it records
one observation of the histogram `pivot.e2e.latency` (unit "s", value --value, explicit bounds
0.005 ... 10) and adds --count to the monotonic counter `pivot.e2e.requests` (unit "{request}"),
both with the attribute transport=<--transport>. The trace-based exemplar filter attaches the span's
ids as an exemplar to both points. The MeterProvider is then shut down, which exports once
(cumulative temporality).

With the default translation Pivot should then hold
  pivot_e2e_latency_seconds_bucket{le=...}, _sum, _count and pivot_e2e_requests_total
labelled job=<service name>, instance=<service.instance.id = service name + "-1">, transport=<...>.

Prints one JSON object on stdout:
  {"trace_id": "<32 hex>", "span_id": "<16 hex>", "export": "SUCCESS", "exports": 1, ...}
and exits 0 only when at least one export ran and every export returned SUCCESS (1 otherwise,
2 for a missing package). Exporter log messages go to stderr.

Packages: opentelemetry-sdk, opentelemetry-exporter-otlp-proto-grpc (grpc),
opentelemetry-exporter-otlp-proto-http (http-proto), opentelemetry-exporter-otlp-json-http (http-json).
"""

import argparse
import os
import json
import sys
import urllib.parse

BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transport", required=True, choices=["grpc", "http-proto", "http-json"])
    p.add_argument("--endpoint", required=True,
                   help="grpc: HOST:PORT (or http://HOST:PORT); http-*: URL, /v1/metrics added when no path")
    p.add_argument("--service-name", required=True)
    p.add_argument("--compression", choices=["none", "gzip"], default="gzip", help="default gzip")
    p.add_argument("--value", type=float, default=0.042, help="histogram observation in seconds (default 0.042)")
    p.add_argument("--count", type=int, default=3, help="counter increment (default 3)")
    p.add_argument("--timeout", type=float, default=10.0, help="export timeout in seconds (default 10)")
    p.add_argument("--header", action="append", default=[], help="NAME=VALUE sent with every export (repeatable)")
    p.add_argument("--ca-file", help="PEM certificate to trust: export over TLS")
    return p.parse_args(argv)


def http_url(endpoint):
    url = endpoint if "://" in endpoint else "http://" + endpoint
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/v1/metrics", parts.query, ""))
    return url


def make_exporter(args):
    gzip = args.compression == "gzip"
    headers = dict(h.split("=", 1) for h in args.header) or None
    if args.transport == "grpc":
        import grpc
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

        endpoint = args.endpoint.split("://", 1)[-1]
        security = {"insecure": True}
        if args.ca_file:
            with open(args.ca_file, "rb") as f:
                security = {"insecure": False, "credentials": grpc.ssl_channel_credentials(root_certificates=f.read())}
        return OTLPMetricExporter(endpoint=endpoint, timeout=args.timeout, headers=headers, **security,
                                  compression=grpc.Compression.Gzip if gzip else grpc.Compression.NoCompression)
    if args.transport == "http-proto":
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        if args.ca_file:
            # The exporter sets the CA file on its requests session, but requests lets REQUESTS_CA_BUNDLE
            # (set on some machines) win over a session's verify: point it at the same file.
            os.environ["REQUESTS_CA_BUNDLE"] = args.ca_file
        return OTLPMetricExporter(endpoint=http_url(args.endpoint), timeout=args.timeout, headers=headers,
                                  certificate_file=args.ca_file,
                                  compression=Compression.Gzip if gzip else Compression.NoCompression)
    from opentelemetry.exporter.otlp.common.http import Compression
    from opentelemetry.exporter.otlp.json.http.metric_exporter import OTLPMetricExporter

    return OTLPMetricExporter(endpoint=http_url(args.endpoint), timeout=args.timeout,
                              compression=Compression.GZIP if gzip else Compression.NONE)


def main(argv=None):
    args = parse_args(argv)
    try:
        from opentelemetry.sdk.metrics import MeterProvider, TraceBasedExemplarFilter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        from opentelemetry.sdk.metrics.view import ExplicitBucketHistogramAggregation, View
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider

        exporter = make_exporter(args)
    except ImportError as error:
        print(json.dumps({"export": "MISSING_PACKAGE", "error": str(error)}))
        return 2

    results = []
    inner_export = exporter.export

    def recording_export(metrics_data, timeout_millis=10_000, **kwargs):
        result = inner_export(metrics_data, timeout_millis=timeout_millis, **kwargs)
        results.append(result)
        return result

    exporter.export = recording_export

    resource = Resource.create({"service.name": args.service_name,
                                "service.instance.id": args.service_name + "-1"})
    # A long interval: the only export is the one shutdown() makes.
    reader = PeriodicExportingMetricReader(
        exporter, export_interval_millis=3_600_000, export_timeout_millis=args.timeout * 1000)
    meter_provider = MeterProvider(
        metric_readers=[reader],
        resource=resource,
        exemplar_filter=TraceBasedExemplarFilter(),
        views=[View(instrument_name="pivot.e2e.latency",
                    aggregation=ExplicitBucketHistogramAggregation(boundaries=BOUNDS))],
        shutdown_on_exit=False,
    )
    tracer_provider = TracerProvider(resource=resource)
    tracer = tracer_provider.get_tracer("pivot.e2e")
    meter = meter_provider.get_meter("pivot.e2e")
    latency = meter.create_histogram("pivot.e2e.latency", unit="s", description="end-to-end test latency")
    requests = meter.create_counter("pivot.e2e.requests", unit="{request}", description="end-to-end test requests")
    attributes = {"transport": args.transport}

    with tracer.start_as_current_span("pivot-e2e-metrics") as span:
        context = span.get_span_context()
        latency.record(args.value, attributes)
        requests.add(args.count, attributes)

    meter_provider.shutdown()
    tracer_provider.shutdown()

    ok = bool(results) and all(r.name == "SUCCESS" for r in results)
    print(json.dumps({
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
        "export": "SUCCESS" if ok else ("FAILURE" if results else "NOT_EXPORTED"),
        "exports": len(results),
        "transport": args.transport,
        "service_name": args.service_name,
        "sampled": context.trace_flags.sampled,
    }))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
