#!/usr/bin/env python3
"""Pivot's demo service: a small shop API instrumented with the OpenTelemetry Python SDK.

Serves GET /checkout, /cart and /search with varying latency (a slow tail) and some 500s. Every
request is a SERVER span with nested CLIENT spans ("SELECT <table>" with database attributes; on
/checkout also "POST /charge" to a simulated payment provider); a failed request records an
"exception" event and sets the span status to ERROR. The `http.server.request.duration` histogram
(unit s; attributes http.request.method, http.route, http.response.status_code; the semantic
conventions' default buckets as advisory boundaries) is recorded while the server span is current,
with the trace-based exemplar filter, so its exemplars carry that request's trace_id and span_id.
Metrics and traces go over OTLP to Pivot: --protocol http/protobuf, http/json or grpc.

  app.py [--port 8080] [--otlp-endpoint URL] [--protocol http/protobuf|http/json|grpc]
         [--service-name pivot-demo] [--export-interval-ms 1000] [--load N [--duration S]]

With --load N the service also sends itself N requests per second, for --duration seconds (0: for
ever); then it flushes both providers and exits. Without --load it serves until SIGINT/SIGTERM and
flushes on the way out. Flag defaults come from the standard environment variables when set
(OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME,
OTEL_METRIC_EXPORT_INTERVAL); OTEL_RESOURCE_ATTRIBUTES is merged into the resource.
"""
import argparse
import collections
import json
import os
import random
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.sdk.metrics import MeterProvider, TraceBasedExemplarFilter
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode

# The semantic conventions' advisory boundaries for http.server.request.duration, in seconds.
BOUNDARIES = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]


class Route:
    """One endpoint's behaviour: typical database time (mean, spread in seconds), how often a
    request falls into the slow tail and how much slower it then is, and how often it fails."""

    def __init__(self, table, mean, spread, tail_ratio, tail_factor, error_ratio):
        self.table, self.mean, self.spread = table, mean, spread
        self.tail_ratio, self.tail_factor, self.error_ratio = tail_ratio, tail_factor, error_ratio


ROUTES = {
    "/checkout": Route("cart_items", 0.060, 0.030, 0.04, 12, 0.08),
    "/cart": Route("carts", 0.015, 0.008, 0.02, 10, 0.02),
    "/search": Route("products", 0.035, 0.020, 0.05, 15, 0.03),
}


# Seconds after which a simulated query fails: the slowest requests end in a 500 near this time.
STATEMENT_TIMEOUT = 1.5


class PaymentDeclined(Exception):
    __module__ = "shop"  # exception.type reads shop.PaymentDeclined, not __main__.…


class DatabaseTimeout(Exception):
    __module__ = "shop"


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="listen port; 0 picks a free one (default 8080)")
    p.add_argument("--otlp-endpoint", default=env("OTEL_EXPORTER_OTLP_ENDPOINT"),
                   help="OTLP base URL (default http://127.0.0.1:4318, or :4317 with grpc)")
    p.add_argument("--protocol", choices=["http/protobuf", "http/json", "grpc"],
                   default=env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"))
    p.add_argument("--service-name", default=env("OTEL_SERVICE_NAME", "pivot-demo"),
                   help="resource service.name, Pivot's job label (default pivot-demo)")
    p.add_argument("--instance-id", default=None,
                   help="resource service.instance.id, Pivot's instance label (default the host name)")
    p.add_argument("--export-interval-ms", type=int, default=int(env("OTEL_METRIC_EXPORT_INTERVAL", "1000")))
    p.add_argument("--load", type=float, default=0, help="requests per second sent to itself (0: none, serve for ever)")
    p.add_argument("--duration", type=float, default=30, help="seconds of --load, then flush and exit (0: for ever)")
    args = p.parse_args()
    if args.otlp_endpoint is None:
        args.otlp_endpoint = "http://127.0.0.1:4317" if args.protocol == "grpc" else "http://127.0.0.1:4318"
    return args


def exporters(protocol, endpoint):
    """The metric and span exporters for one protocol; both signals always use the same one."""
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        insecure = not endpoint.startswith("https://")
        target = endpoint.split("://", 1)[-1].rstrip("/")
        return OTLPMetricExporter(endpoint=target, insecure=insecure), OTLPSpanExporter(endpoint=target, insecure=insecure)
    if protocol == "http/json":
        from opentelemetry.exporter.otlp.json.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    base = endpoint.rstrip("/")
    return OTLPMetricExporter(endpoint=base + "/v1/metrics"), OTLPSpanExporter(endpoint=base + "/v1/traces")


def make_handler(tracer, duration):
    def query(route, slow):
        """A simulated database call, as a CLIENT span."""
        with tracer.start_as_current_span(f"SELECT {route.table}", kind=SpanKind.CLIENT, attributes={
            "db.system.name": "postgresql", "db.namespace": "shop", "db.operation.name": "SELECT",
            "db.collection.name": route.table, "db.query.text": f"SELECT * FROM {route.table} WHERE id = $1",
            "server.address": "db.shop.internal", "server.port": 5432,
        }) as span:
            seconds = max(0.001, random.gauss(route.mean, route.spread)) * (route.tail_factor if slow else 1)
            if seconds > STATEMENT_TIMEOUT:
                time.sleep(STATEMENT_TIMEOUT)
                # Leaving the span with an exception records it as an event and sets status ERROR.
                raise DatabaseTimeout(f"canceling statement due to statement timeout ({STATEMENT_TIMEOUT * 1000:.0f} ms)")
            time.sleep(seconds)
            span.set_attribute("db.response.returned_rows", random.randint(0, 40))

    def charge(fail):
        """A simulated payment provider call, as a CLIENT span."""
        with tracer.start_as_current_span("POST /charge", kind=SpanKind.CLIENT, attributes={
            "http.request.method": "POST", "server.address": "payments.example", "url.full": "https://payments.example/charge",
        }) as span:
            time.sleep(max(0.002, random.gauss(0.030, 0.010)))
            span.set_attribute("http.response.status_code", 402 if fail else 200)
            if fail:
                raise PaymentDeclined("card declined")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            route = ROUTES.get(path)
            if route is None:
                self.reply(404, {"error": "not found"})
                return
            began = time.perf_counter()
            with tracer.start_as_current_span(f"GET {path}", kind=SpanKind.SERVER, record_exception=False,
                                              set_status_on_exception=False, attributes={
                                                  "http.request.method": "GET", "http.route": path, "url.path": path,
                                                  "url.scheme": "http", "network.protocol.version": "1.1",
                                              }) as span:
                status = 200
                fail = random.random() < route.error_ratio
                try:
                    query(route, slow=random.random() < route.tail_ratio)
                    if path == "/checkout":
                        charge(fail)
                    elif fail:
                        raise RuntimeError("internal error")
                except Exception as error:  # every failure of the demo's own work is a 500
                    status = 500
                    span.record_exception(error)
                    span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
                    span.set_attribute("error.type", type(error).__name__)
                span.set_attribute("http.response.status_code", status)
                # Recorded while the server span is current: the exemplar takes its trace and span id.
                duration.record(time.perf_counter() - began, {
                    "http.request.method": "GET", "http.route": path, "http.response.status_code": status})
            self.reply(status, {"route": path, "status": status})

        def reply(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def generate_load(port, rate, seconds, stop):
    """Sends `rate` requests per second to the service (each on a pool thread, so a slow request does
    not hold back the schedule) until `seconds` pass (0: until stopped); returns status counts."""
    counts = collections.Counter()
    lock = threading.Lock()
    routes = list(ROUTES)

    def one():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{random.choice(routes)}", timeout=30) as response:
                code = response.status
        except urllib.error.HTTPError as error:  # a 500 is part of the demo
            code = error.code
        except OSError:
            code = "connection error"
        with lock:
            counts[code] += 1

    interval = 1.0 / rate
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as pool:
        n = 0
        while not stop.is_set() and (seconds <= 0 or time.monotonic() - started < seconds):
            pool.submit(one)
            n += 1
            stop.wait(max(0.0, started + n * interval - time.monotonic()))
    return counts


def main():
    args = parse_args()
    # Flag values win over OTEL_RESOURCE_ATTRIBUTES, which wins over the defaults.
    defaults = Resource({"service.instance.id": socket.gethostname(), "service.version": "1.0.0",
                         "deployment.environment": "demo"})
    explicit = {"service.name": args.service_name}
    if args.instance_id:
        explicit["service.instance.id"] = args.instance_id
    resource = defaults.merge(Resource.create(explicit))

    metric_exporter, span_exporter = exporters(args.protocol, args.otlp_endpoint)
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter, schedule_delay_millis=500))
    meter_provider = MeterProvider(
        resource=resource, exemplar_filter=TraceBasedExemplarFilter(), shutdown_on_exit=False,
        metric_readers=[PeriodicExportingMetricReader(metric_exporter, export_interval_millis=args.export_interval_ms)])
    tracer = tracer_provider.get_tracer("pivot.demo", "1.0.0")
    duration = meter_provider.get_meter("pivot.demo", "1.0.0").create_histogram(
        "http.server.request.duration", unit="s", description="Duration of HTTP server requests.",
        explicit_bucket_boundaries_advisory=BOUNDARIES)

    server = ThreadingHTTPServer((args.host, args.port), make_handler(tracer, duration))
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"{args.service_name} serving on http://{args.host}:{port} (/checkout /cart /search), "
          f"exporting metrics and traces over OTLP {args.protocol} to {args.otlp_endpoint}", flush=True)
    try:
        if args.load > 0:
            span = f"for {args.duration:g} s" if args.duration > 0 else "until stopped"
            print(f"sending {args.load:g} requests/s to itself {span}", flush=True)
            counts = generate_load(port, args.load, args.duration, stop)
            print("responses: " + ", ".join(f"{code}: {n}" for code, n in sorted(counts.items(), key=str)), flush=True)
        else:
            stop.wait()
    finally:
        server.shutdown()
        # Flush: ends the batch span processor (exports every finished span) and takes a last
        # collection of the histogram before the exporters close.
        tracer_provider.shutdown()
        meter_provider.shutdown()
        print("flushed metrics and traces", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
