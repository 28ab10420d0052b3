#!/usr/bin/env python3
"""`make demo`: the pivot from a latency percentile to the exact trace, without Grafana.

Starts Pivot (only when none answers at --pivot-url/-/ready) with its storage in --storage-path,
runs the demo service (demo/app.py) with a built-in load for --duration seconds exporting metrics
and traces over OTLP, then prints:
  1. the p99 latency per route:
     histogram_quantile(0.99, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket{job="pivot-demo"}[1m])))
  2. the slowest exemplar of that histogram (/api/v1/query_exemplars), with its trace_id;
  3. that trace, fetched from /api/v2/traces/<trace_id> as Tempo's protobuf, as a span tree.
Exits non-zero when a step finds nothing (no Pivot, no series, no exemplar, trace API 404/503).
Stops the Pivot it started (by its PID) unless --keep-running; a Pivot it found is left alone.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


class DemoError(Exception):
    """A step of the demo that cannot go on; the message says why."""


def get(url, accept=None):
    """GET url; returns (status, body) for every HTTP status, raises OSError when nothing answers."""
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def ready(base):
    try:
        return get(base + "/-/ready")[0] == 200
    except OSError:
        return False


def api(base, path, **params):
    """A Prometheus API call; returns its `data`."""
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    status, body = get(url)
    if status != 200:
        raise DemoError(f"{path} answered HTTP {status}: {body[:300].decode(errors='replace')}")
    return json.loads(body)["data"]


def host_port(url):
    parsed = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
    return f"{parsed.hostname}:{parsed.port}"


# --- protobuf: Tempo's TraceByIDResponse is read by hand down to field 1 (a Trace, which is
# wire-identical to OTLP TracesData); the rest is parsed with the OpenTelemetry proto classes.

def varint(data, index):
    value, shift = 0, 0
    while True:
        if index >= len(data):
            raise DemoError("truncated protobuf in the trace response")
        byte = data[index]
        index += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, index


def field_one(body):
    """The bytes of length-delimited field 1 of a protobuf message (empty when absent)."""
    index, found = 0, b""
    while index < len(body):
        key, index = varint(body, index)
        wire = key & 7
        if wire == 0:
            _, index = varint(body, index)
        elif wire == 1:
            index += 8
        elif wire == 5:
            index += 4
        elif wire == 2:
            length, index = varint(body, index)
            if key >> 3 == 1:
                found = body[index:index + length]
            index += length
        else:
            raise DemoError(f"unexpected protobuf wire type {wire} in the trace response")
    return found


def print_trace(body, trace_id, status):
    from opentelemetry.proto.trace.v1 import trace_pb2

    data = trace_pb2.TracesData()
    data.ParseFromString(field_one(body))
    spans = []
    for rs in data.resource_spans:
        service = next((kv.value.string_value for kv in rs.resource.attributes if kv.key == "service.name"), "?")
        for ss in rs.scope_spans:
            spans.extend((service, span) for span in ss.spans)
    if not spans:
        raise DemoError(f"/api/v2/traces/{trace_id} answered HTTP {status} with no spans")
    print(f"\n3. trace {trace_id} from /api/v2/traces (Tempo protobuf): {len(spans)} spans")
    ids = {span.span_id for _, span in spans}
    children = {}
    for service, span in spans:
        parent = span.parent_span_id if span.parent_span_id in ids else b""  # orphans shown as roots
        children.setdefault(parent, []).append((service, span))
    kinds = {1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}

    def show(parent, depth):
        for service, span in sorted(children.get(parent, []), key=lambda s: s[1].start_time_unix_nano):
            ms = (span.end_time_unix_nano - span.start_time_unix_nano) / 1e6
            state = {0: "unset", 1: "ok", 2: "ERROR"}.get(span.status.code, str(span.status.code))
            note = f" ({span.status.message})" if span.status.message else ""
            orphan = "  [parent not in trace]" if span.parent_span_id and span.parent_span_id not in ids else ""
            print(f"   {'  ' * depth}{span.name:<{max(1, 28 - 2 * depth)}} {service:<12} {kinds.get(span.kind, '-'):<8}"
                  f" {ms:9.1f} ms  {state}{note}{orphan}")
            for event in span.events:
                attrs = {kv.key: kv.value.string_value for kv in event.attributes}
                detail = ": ".join(v for v in (attrs.get("exception.type"), attrs.get("exception.message")) if v)
                print(f"   {'  ' * (depth + 1)}! event {event.name}{' ' + detail if detail else ''}")
            show(span.span_id, depth + 1)

    show(b"", 0)


def fetch_trace(base, trace_id):
    """The trace's Tempo protobuf body; waits up to 5 s for a trace that is not there yet."""
    deadline = time.time() + 5
    while True:
        status, body = get(f"{base}/api/v2/traces/{trace_id}", "application/protobuf")
        if status == 200:
            return status, body
        text = body[:300].decode(errors="replace").strip()
        text = text if text.isprintable() else f"{len(body)}-byte body"
        if status == 404 and time.time() < deadline:
            time.sleep(0.5)
            continue
        if status == 404:
            raise DemoError(f"/api/v2/traces/{trace_id} answered 404 ({text or 'no body'}): this Pivot does not have "
                            "the trace (no trace API in this build, or the spans were not stored)")
        if status == 503:
            raise DemoError(f"/api/v2/traces/{trace_id} answered 503 ({text or 'no body'}): this Pivot has no trace "
                            "storage yet, so the pivot from exemplar to trace stops here")
        raise DemoError(f"/api/v2/traces/{trace_id} answered HTTP {status}: {text}")


def run(args, base):
    job = args.service_name
    began = time.time()
    print(f"running the demo service for {args.duration:g} s at {args.load:g} requests/s "
          f"(OTLP {args.protocol} to {args.otlp_endpoint}) ...", flush=True)
    app = subprocess.run([sys.executable, os.path.join(HERE, "app.py"), "--port", "0",
                          "--otlp-endpoint", args.otlp_endpoint, "--protocol", args.protocol,
                          "--service-name", job, "--export-interval-ms", str(args.export_interval_ms),
                          "--load", str(args.load), "--duration", str(args.duration)])
    if app.returncode != 0:
        raise DemoError(f"the demo service exited with {app.returncode}")
    time.sleep(1)

    selector = f'http_server_request_duration_seconds_bucket{{job="{job}"}}'
    query = f"histogram_quantile(0.99, sum by (le, http_route) (rate({selector}[1m])))"
    result = api(base, "/api/v1/query", query=query)["result"]
    print(f"\n1. p99 latency per route\n   {query}")
    if not result:
        raise DemoError(f"no series for {selector}: the metrics did not arrive (check the OTLP endpoint)")
    for series in sorted(result, key=lambda s: s["metric"].get("http_route", "")):
        print(f"   {series['metric'].get('http_route', '?'):<12} {float(series['value'][1]) * 1000:9.1f} ms")

    # Only this run's exemplars: an earlier run's are kept too (same storage), with its own traces.
    data = api(base, "/api/v1/query_exemplars", query=selector, start=f"{began - 5:.3f}", end=f"{time.time() + 5:.3f}")
    exemplars = [(float(e["value"]), e["labels"], s["seriesLabels"], e["timestamp"])
                 for s in data for e in s["exemplars"] if "trace_id" in e["labels"]]
    if not exemplars:
        raise DemoError(f"no exemplars with a trace_id for {selector}")
    value, labels, series, at = max(exemplars, key=lambda e: e[0])
    trace_id = labels["trace_id"]
    print(f"\n2. slowest exemplar of {len(exemplars)}: {value * 1000:.1f} ms on {series.get('http_route', '?')} "
          f"(status {series.get('http_response_status_code', '?')}, at {time.strftime('%H:%M:%S', time.localtime(at))})\n"
          f"   trace_id={trace_id} span_id={labels.get('span_id', '?')}")

    status, body = fetch_trace(base, trace_id)
    print_trace(body, trace_id, status)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pivot", default=".build/release/pivot", help="binary started when no Pivot answers")
    p.add_argument("--pivot-url", default="http://127.0.0.1:9090", help="Pivot's web address (queries, trace API)")
    p.add_argument("--protocol", default="http/protobuf", choices=["http/protobuf", "http/json", "grpc"])
    p.add_argument("--otlp-endpoint", default=None,
                   help="where the demo service exports (default http://127.0.0.1:4318, or :4317 with grpc)")
    p.add_argument("--storage-path", default="./data", help="storage of a Pivot started here")
    p.add_argument("--service-name", default="pivot-demo", help="the demo's service.name, its job label")
    p.add_argument("--load", type=float, default=20, help="requests per second")
    p.add_argument("--duration", type=float, default=20, help="seconds of load")
    p.add_argument("--export-interval-ms", type=int, default=1000)
    p.add_argument("--keep-running", action="store_true", help="leave a Pivot started here running")
    args = p.parse_args()
    if args.otlp_endpoint is None:
        args.otlp_endpoint = "http://127.0.0.1:4317" if args.protocol == "grpc" else "http://127.0.0.1:4318"
    base = args.pivot_url.rstrip("/")

    started = None
    if ready(base):
        print(f"using the Pivot at {base}", flush=True)
    else:
        # Listen where the demo looks: the web address from --pivot-url, the OTLP listener of the
        # chosen protocol from --otlp-endpoint (the other one keeps its default).
        command = [args.pivot, "serve", f"--storage.path={args.storage_path}",
                   f"--web.listen-address={host_port(base)}"]
        listener = "grpc" if args.protocol == "grpc" else "http"
        command.append(f"--otlp.{listener}-listen-address={host_port(args.otlp_endpoint)}")
        log_path = os.path.join(tempfile.gettempdir(), "pivot-demo.log")
        print(f"no Pivot answers at {base}; starting {' '.join(command)} (log: {log_path})", flush=True)
        try:
            with open(log_path, "w") as log:
                started = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as error:
            print(f"demo: cannot start {args.pivot}: {error} (run `make build` first)", file=sys.stderr)
            return 1
        deadline = time.time() + 60
        while not ready(base):
            if started.poll() is not None or time.time() > deadline:
                print(f"demo: Pivot (PID {started.pid}) did not become ready; see {log_path}", file=sys.stderr)
                stop(started)
                return 1
            time.sleep(0.2)
        print(f"Pivot is ready (PID {started.pid})", flush=True)
    code = 0
    try:
        run(args, base)
    except DemoError as error:
        print(f"\ndemo: {error}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    finally:
        if started is not None:
            if args.keep_running:
                print(f"\nPivot keeps running (PID {started.pid}, {base}); stop it with: kill {started.pid}")
            else:
                stop(started)
    return code


def stop(process):
    """SIGTERM to the Pivot this script started (its PID only), SIGKILL if it has not exited in 20 s."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    print(f"stopped Pivot (PID {process.pid}, exit {process.returncode})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
