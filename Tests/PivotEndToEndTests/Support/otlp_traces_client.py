#!/usr/bin/env python3
"""End-to-end check of Pivot's trace path with the OpenTelemetry Python SDK as the real client.

Usage:
  otlp_traces_client.py --transport grpc|http-proto|http-json --endpoint E --pivot-url http://127.0.0.1:9090
                        [--metrics-endpoint E2]

Records a small trace (a server span, a client child with an event and a link, an internal grandchild
with attributes of every type and an error status) and, inside the client span, one histogram
observation with the trace-based exemplar filter. Exports the spans (and the histogram, when
--metrics-endpoint is given) over the chosen transport, then reads the trace back from Pivot by id:

  1. GET /api/v2/traces/<id> with Accept: application/protobuf (Tempo TraceByIDResponse),
  2. GET /api/traces/<id> as JSON (OTLP JSON, hex ids),
  3. GET /jaeger/api/traces/<id> (Jaeger UI JSON),

and compares each field by field with what the SDK exported (ids, parent, name, kind, times, every
attribute with its type, events, links, status, resource and scope). With metrics, it also checks
that /api/v1/query_exemplars returns the client span's trace id and span id. Prints a JSON report
and exits 0 only when everything matched (1 on a mismatch, 2 for a missing package).
"""

import argparse
import base64
import json
import sys
import time
import urllib.parse
import urllib.request


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--transport", required=True, choices=["grpc", "http-proto", "http-json"])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--metrics-endpoint")
    p.add_argument("--pivot-url", required=True)
    p.add_argument("--service-name", default="pivot-e2e-traces")
    return p.parse_args(argv)


def http_url(endpoint, signal):
    url = endpoint if "://" in endpoint else "http://" + endpoint
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/v1/" + signal, "", ""))
    return url


def span_exporter(args):
    if args.transport == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        return OTLPSpanExporter(endpoint=args.endpoint.split("://", 1)[-1], insecure=True, timeout=10)
    if args.transport == "http-proto":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        return OTLPSpanExporter(endpoint=http_url(args.endpoint, "traces"), timeout=10)
    from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
    return OTLPSpanExporter(endpoint=http_url(args.endpoint, "traces"), timeout=10)


def metric_exporter(args):
    if args.transport == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        return OTLPMetricExporter(endpoint=args.metrics_endpoint.split("://", 1)[-1], insecure=True, timeout=10)
    if args.transport == "http-proto":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        return OTLPMetricExporter(endpoint=http_url(args.metrics_endpoint, "metrics"), timeout=10)
    from opentelemetry.exporter.otlp.json.http.metric_exporter import OTLPMetricExporter
    return OTLPMetricExporter(endpoint=http_url(args.metrics_endpoint, "metrics"), timeout=10)


def get(url, accept=None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def any_value_py(value):
    """An OTLP AnyValue (protobuf message) as a comparable Python value with its type."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return ("array", [any_value_py(v) for v in value.array_value.values])
    if kind == "kvlist_value":
        return ("kvlist", {kv.key: any_value_py(kv.value) for kv in value.kvlist_value.values})
    if kind == "bytes_value":
        return ("bytes", base64.b64encode(value.bytes_value).decode())
    return (kind.replace("_value", ""), getattr(value, kind)) if kind else ("empty", None)


def sdk_value_py(value):
    """A Python SDK attribute value as the same comparable form."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("double", value)
    if isinstance(value, bytes):
        return ("bytes", base64.b64encode(value).decode())
    if isinstance(value, (tuple, list)):
        return ("array", [sdk_value_py(v) for v in value])
    return ("string", value)


def main(argv=None):
    args = parse_args(argv)
    try:
        from opentelemetry import trace
        from opentelemetry.proto.trace.v1 import trace_pb2
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from opentelemetry.trace import Link, Status, StatusCode, SpanKind

        exporter = span_exporter(args)
    except ImportError as error:
        print(json.dumps({"ok": False, "error": f"missing package: {error}"}))
        return 2

    resource = Resource.create({"service.name": args.service_name, "service.instance.id": "e2e-1",
                                "deployment.environment": "test"})
    provider = TracerProvider(resource=resource)
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("pivot.e2e.traces", "1.2.3")

    meter_provider = None
    if args.metrics_endpoint:
        from opentelemetry.sdk.metrics import MeterProvider, TraceBasedExemplarFilter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        reader = PeriodicExportingMetricReader(metric_exporter(args), export_interval_millis=3_600_000)
        meter_provider = MeterProvider(metric_readers=[reader], resource=resource,
                                       exemplar_filter=TraceBasedExemplarFilter(), shutdown_on_exit=False)
        latency = meter_provider.get_meter("pivot.e2e.traces").create_histogram("pivot.e2e.trace_latency", unit="s")

    from opentelemetry.context import Context
    # A span of another trace, for the client span to link to (a retried attempt).
    with tracer.start_as_current_span("previous attempt", context=Context()) as previous:
        other = previous.get_span_context()
    memory.clear()
    with tracer.start_as_current_span("GET /checkout", kind=SpanKind.SERVER,
                                      attributes={"http.request.method": "GET", "http.response.status_code": 200}) as root:
        with tracer.start_as_current_span("charge card", kind=SpanKind.CLIENT,
                                          links=[Link(other, {"link.reason": "retry"})]) as client:
            client.add_event("request sent", {"bytes": 512})
            if meter_provider:
                latency.record(0.25, {"route": "/checkout"})
            client_context = client.get_span_context()
            with tracer.start_as_current_span("validate", kind=SpanKind.INTERNAL) as inner:
                inner.set_attribute("s", "text")
                inner.set_attribute("i", -42)
                inner.set_attribute("f", 1.5)
                inner.set_attribute("b", True)
                inner.set_attribute("strings", ["a", "b"])
                inner.set_attribute("ints", [1, 2, 3])
                inner.set_status(Status(StatusCode.ERROR, "card declined"))
    provider.shutdown()
    if meter_provider:
        meter_provider.shutdown()

    sent = memory.get_finished_spans()
    trace_id = format(sent[0].context.trace_id, "032x")
    base = args.pivot_url.rstrip("/")
    problems = []

    def check(label, got, want):
        if got != want:
            problems.append(f"{label}: got {got!r}, want {want!r}")

    expected = {}
    for span in sent:
        expected[format(span.context.span_id, "016x")] = span

    def compare_otlp(view, resource_spans):
        got = {}
        for rs in resource_spans:
            resource_attrs = {kv.key: any_value_py(kv.value) for kv in rs.resource.attributes}
            check(f"{view} resource service.name", resource_attrs.get("service.name"), ("string", args.service_name))
            check(f"{view} resource deployment.environment", resource_attrs.get("deployment.environment"), ("string", "test"))
            for ss in rs.scope_spans:
                check(f"{view} scope", (ss.scope.name, ss.scope.version), ("pivot.e2e.traces", "1.2.3"))
                for span in ss.spans:
                    got[span.span_id.hex()] = span
        check(f"{view} span ids", sorted(got), sorted(expected))
        for span_id, want in expected.items():
            span = got.get(span_id)
            if span is None:
                continue
            where = f"{view} span {want.name}"
            check(f"{where} trace_id", span.trace_id.hex(), trace_id)
            check(f"{where} parent", span.parent_span_id.hex(),
                  format(want.parent.span_id, "016x") if want.parent else "")
            check(f"{where} name", span.name, want.name)
            check(f"{where} kind", span.kind, want.kind.value + 1)
            check(f"{where} start", span.start_time_unix_nano, want.start_time)
            check(f"{where} end", span.end_time_unix_nano, want.end_time)
            check(f"{where} attributes", {kv.key: any_value_py(kv.value) for kv in span.attributes},
                  {k: sdk_value_py(v) for k, v in want.attributes.items()})
            check(f"{where} events", [(e.name, e.time_unix_nano, {kv.key: any_value_py(kv.value) for kv in e.attributes})
                                      for e in span.events],
                  [(e.name, e.timestamp, {k: sdk_value_py(v) for k, v in e.attributes.items()}) for e in want.events])
            check(f"{where} links", [(l.trace_id.hex(), l.span_id.hex()) for l in span.links],
                  [(format(l.context.trace_id, "032x"), format(l.context.span_id, "016x")) for l in want.links])
            check(f"{where} status", (span.status.code, span.status.message),
                  ({StatusCode.UNSET: 0, StatusCode.OK: 1, StatusCode.ERROR: 2}[want.status.status_code],
                   want.status.description or ""))

    # Spans are durable when the export returns; reads may race nothing.
    status, body = get(f"{base}/api/v2/traces/{trace_id}", "application/protobuf")
    check("v2 status", status, 200)
    # TraceByIDResponse { Trace trace = 1 }: read field 1 by hand, then parse it as TracesData.
    trace_bytes = b""
    index = 0
    while index < len(body):
        key = body[index]
        index += 1
        length = 0
        shift = 0
        while True:
            byte = body[index]
            index += 1
            length |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        if key == 0x0A:
            trace_bytes = body[index:index + length]
        index += length
    traces_data = trace_pb2.TracesData()
    traces_data.ParseFromString(trace_bytes)
    compare_otlp("tempo-v2-protobuf", traces_data.resource_spans)

    status, body = get(f"{base}/api/traces/{trace_id.upper()}")
    check("v1 json status", status, 200)
    from google.protobuf import json_format
    document = json.loads(body)

    def hex_to_b64(node):
        if isinstance(node, dict):
            return {k: (base64.b64encode(bytes.fromhex(v)).decode() if k in ("traceId", "spanId", "parentSpanId") and v
                        else hex_to_b64(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [hex_to_b64(v) for v in node]
        return node

    traces_json = trace_pb2.TracesData()
    json_format.ParseDict(hex_to_b64(document), traces_json, ignore_unknown_fields=True)
    compare_otlp("tempo-v1-json", traces_json.resource_spans)

    status, body = get(f"{base}/jaeger/api/traces/{trace_id}")
    check("jaeger status", status, 200)
    jaeger = json.loads(body)["data"][0]
    check("jaeger traceID", jaeger["traceID"].rjust(32, "0"), trace_id)
    by_id = {s["spanID"]: s for s in jaeger["spans"]}
    check("jaeger span ids", sorted(by_id), sorted(expected))
    for span_id, want in expected.items():
        span = by_id.get(span_id)
        if not span:
            continue
        where = f"jaeger span {want.name}"
        check(f"{where} operationName", span["operationName"], want.name)
        check(f"{where} startTime", span["startTime"], want.start_time // 1000)
        check(f"{where} duration", span["duration"], (want.end_time - want.start_time) // 1000)
        parents = [r["spanID"] for r in span.get("references") or [] if r["refType"] == "CHILD_OF"]
        check(f"{where} parent", parents[:1], [format(want.parent.span_id, "016x")] if want.parent else [])
        process = jaeger["processes"][span["processID"]]
        check(f"{where} service", process["serviceName"], args.service_name)
        tags = {t["key"]: t["value"] for t in span["tags"]}
        for key, value in want.attributes.items():
            if not isinstance(value, (tuple, list)):
                check(f"{where} tag {key}", tags.get(key), value)
        check(f"{where} span.kind", tags.get("span.kind"), {0: "internal", 1: "server", 2: "client"}[want.kind.value])
        if want.status.status_code == StatusCode.ERROR:
            check(f"{where} error tag", tags.get("error"), True)

    exemplar_ok = None
    if args.metrics_endpoint:
        query = urllib.parse.urlencode({"query": "pivot_e2e_trace_latency_seconds_bucket",
                                        "start": int(time.time()) - 600, "end": int(time.time()) + 60})
        status, body = get(f"{base}/api/v1/query_exemplars?{query}")
        found = [e["labels"] for s in json.loads(body)["data"] for e in s["exemplars"]]
        client_span = next(s for s in sent if s.name == "charge card")
        want = {"trace_id": trace_id, "span_id": format(client_span.context.span_id, "016x")}
        exemplar_ok = any(labels.get("trace_id") == want["trace_id"] and labels.get("span_id") == want["span_id"]
                          for labels in found)
        if not exemplar_ok:
            problems.append(f"query_exemplars: {found!r} does not contain {want!r}")

    print(json.dumps({"ok": not problems, "trace_id": trace_id, "spans": len(sent), "exemplar": exemplar_ok,
                      "problems": problems}))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
