#!/usr/bin/env python3
"""Writes the committed seed corpus (fuzz/corpus/<target>/). Small, hand-chosen inputs that reach
every decoder's main paths; libFuzzer grows its own corpus from them at run time (never committed).

Remote-write bodies are encoded here by hand (uncompressed protobuf: the remote-write targets also
compress each input themselves); OTLP bodies come from the OpenTelemetry Python protobuf classes.
Run from the package root: python3 fuzz/make_corpus.py
"""
import gzip
import json
import os
import struct
import zlib

from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.metrics.v1 import metrics_pb2
from opentelemetry.proto.trace.v1 import trace_pb2
from opentelemetry.proto.common.v1 import common_pb2
from google.protobuf import json_format

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    os.makedirs(os.path.join(ROOT, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(ROOT, target, name), "wb") as f:
        f.write(data)


# --- protobuf by hand ---------------------------------------------------------------------------

def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


def key(field, wire):
    return varint(field << 3 | wire)


def f_varint(field, n):
    return key(field, 0) + varint(n)


def f_double(field, x):
    return key(field, 1) + struct.pack("<d", x)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode()
    return key(field, 2) + varint(len(b)) + b


def packed_varints(field, values):
    return f_bytes(field, b"".join(varint(v) for v in values))


def packed_doubles(field, values):
    return f_bytes(field, b"".join(struct.pack("<d", v) for v in values))


def histogram(v2=False, floats=False):
    spans = f_bytes(11, f_varint(1, zigzag(0)) + f_varint(2, 2)) + f_bytes(11, f_varint(1, zigzag(3)) + f_varint(2, 1))
    body = (f_double(2, 5.0) if floats else f_varint(1, 5)) + f_double(3, 12.5) + f_varint(4, zigzag(1))
    body += f_double(5, 1e-128) + (f_double(7, 1.0) if floats else f_varint(6, 1))
    body += spans
    body += packed_doubles(13, [1.0, 2.0, 1.0]) if floats else packed_varints(12, [zigzag(1), zigzag(1), zigzag(-1)])
    body += f_bytes(8, f_varint(1, zigzag(-2)) + f_varint(2, 1)) + packed_varints(9, [zigzag(1)])
    body += f_varint(14, 2) + f_varint(15, 1_700_000_000_000)
    if v2:
        body += f_varint(17, 1_699_999_000_000)
    return body


def rw1_label(name, value):
    return f_bytes(1, f_bytes(1, name) + f_bytes(2, value))


def rw1():
    series = rw1_label("__name__", "http_requests_total") + rw1_label("job", "api") + rw1_label("path", "/x")
    series += f_bytes(2, f_double(1, 42.0) + f_varint(2, 1_700_000_000_000))
    series += f_bytes(2, f_double(1, 43.5) + f_varint(2, 1_700_000_015_000))
    series += f_bytes(3, f_bytes(1, f_bytes(1, "trace_id") + f_bytes(2, "0af7651916cd43dd")) + f_double(2, 1.0) + f_varint(3, 1_700_000_000_001))
    hist = rw1_label("__name__", "latency_seconds") + rw1_label("job", "api") + f_bytes(4, histogram())
    fhist = rw1_label("__name__", "size_bytes") + f_bytes(4, histogram(floats=True))
    meta = f_varint(1, 1) + f_bytes(2, "http_requests_total") + f_bytes(4, "Requests.") + f_bytes(5, "")
    write("remote-write-1", "samples", f_bytes(1, series))
    write("remote-write-1", "histograms", f_bytes(1, hist) + f_bytes(1, fhist))
    write("remote-write-1", "metadata", f_bytes(1, series) + f_bytes(3, meta))
    write("remote-write-1", "empty", b"")
    # Unknown fields and unpacked repeated scalars must be skipped.
    write("remote-write-1", "unknown-fields", f_varint(15, 7) + f_bytes(1, series + f_varint(9, 1)) + f_double(14, 1.0))
    # One real snappy-compressed body too (the targets also feed inputs as compressed bodies).
    try:
        import snappy  # python-snappy, when installed
        write("remote-write-1", "snappy-body", snappy.compress(f_bytes(1, series)))
    except ImportError:
        pass


def rw2():
    symbols = ["", "__name__", "http_requests_total", "job", "api", "trace_id", "0af7", "Requests.", "1", "latency_seconds"]
    head = b"".join(f_bytes(4, s) for s in symbols)
    series = packed_varints(1, [1, 2, 3, 4])
    series += f_bytes(2, f_double(1, 42.0) + f_varint(2, 1_700_000_000_000) + f_varint(3, 1_699_000_000_000))
    series += f_bytes(4, packed_varints(1, [5, 6]) + f_double(2, 1.0) + f_varint(3, 1_700_000_000_001))
    series += f_bytes(5, f_varint(1, 1) + f_varint(3, 7) + f_varint(4, 8))
    hist = packed_varints(1, [1, 9, 3, 4]) + f_bytes(3, histogram(v2=True)) + f_bytes(3, histogram(v2=True, floats=True))
    write("remote-write-2", "samples", head + f_bytes(5, series))
    write("remote-write-2", "histograms", head + f_bytes(5, hist))
    write("remote-write-2", "unpacked-refs", head + f_bytes(5, f_varint(1, 1) + f_varint(1, 2) + f_bytes(2, f_double(1, 1.0))))
    write("remote-write-2", "empty", b"")


# --- OTLP ---------------------------------------------------------------------------------------

def kv(key, **value):
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(**value))


def metrics_request():
    req = metrics_service_pb2.ExportMetricsServiceRequest()
    rm = req.resource_metrics.add()
    rm.resource.attributes.extend([kv("service.name", string_value="api"), kv("service.instance.id", string_value="i1"),
                                   kv("host.cpus", int_value=4)])
    sm = rm.scope_metrics.add()
    sm.scope.name = "io.example"
    sm.scope.version = "1.0"
    t0, t1 = 1_700_000_000_000_000_000, 1_700_000_015_000_000_000
    m = sm.metrics.add(name="http.server.requests", unit="{request}", description="Requests.")
    m.sum.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
    m.sum.is_monotonic = True
    dp = m.sum.data_points.add(start_time_unix_nano=t0, time_unix_nano=t1, as_int=12)
    dp.attributes.extend([kv("http.method", string_value="GET"), kv("ok", bool_value=True)])
    ex = dp.exemplars.add(time_unix_nano=t1, as_double=1.5, trace_id=bytes.fromhex("0af7651916cd43dd8448eb211c80319c"),
                          span_id=bytes.fromhex("b7ad6b7169203331"))
    ex.filtered_attributes.append(kv("user", string_value="u"))
    d = sm.metrics.add(name="queue.delta", unit="1")
    d.sum.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_DELTA
    d.sum.is_monotonic = True
    d.sum.data_points.add(start_time_unix_nano=t0, time_unix_nano=t1, as_double=3.0)
    g = sm.metrics.add(name="memory.usage", unit="By")
    g.gauge.data_points.add(time_unix_nano=t1, as_double=1024.0, flags=0)
    h = sm.metrics.add(name="http.server.duration", unit="ms")
    h.histogram.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
    h.histogram.data_points.add(start_time_unix_nano=t0, time_unix_nano=t1, count=6, sum=30.0, min=1.0, max=10.0,
                                bucket_counts=[1, 2, 3], explicit_bounds=[2.0, 5.0])
    e = sm.metrics.add(name="rpc.latency", unit="s")
    e.exponential_histogram.aggregation_temporality = metrics_pb2.AGGREGATION_TEMPORALITY_CUMULATIVE
    edp = e.exponential_histogram.data_points.add(start_time_unix_nano=t0, time_unix_nano=t1, count=5, sum=2.5, scale=2,
                                                  zero_count=1, zero_threshold=0.0)
    edp.positive.offset = -1
    edp.positive.bucket_counts.extend([1, 2])
    edp.negative.offset = 0
    edp.negative.bucket_counts.extend([1])
    s = sm.metrics.add(name="rpc.summary", unit="s")
    sdp = s.summary.data_points.add(start_time_unix_nano=t0, time_unix_nano=t1, count=3, sum=1.5)
    sdp.quantile_values.add(quantile=0.5, value=0.4)
    sdp.quantile_values.add(quantile=0.99, value=0.9)
    return req


def traces_request():
    req = trace_service_pb2.ExportTraceServiceRequest()
    rs = req.resource_spans.add()
    rs.resource.attributes.extend([kv("service.name", string_value="api"),
                                   kv("list", array_value=common_pb2.ArrayValue(values=[common_pb2.AnyValue(int_value=1)]))])
    ss = rs.scope_spans.add()
    ss.scope.name = "io.example"
    tid = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
    span = ss.spans.add(trace_id=tid, span_id=bytes.fromhex("b7ad6b7169203331"), name="GET /x", kind=2,
                        start_time_unix_nano=1_700_000_000_000_000_000, end_time_unix_nano=1_700_000_000_005_000_000)
    span.attributes.extend([kv("http.status_code", int_value=500), kv("f", double_value=1.5), kv("b", bool_value=True),
                            kv("raw", bytes_value=b"\x00\x01"),
                            kv("m", kvlist_value=common_pb2.KeyValueList(values=[kv("k", string_value="v")]))])
    span.status.code = 2
    span.status.message = "boom"
    ev = span.events.add(time_unix_nano=1_700_000_000_001_000_000, name="exception")
    ev.attributes.append(kv("exception.type", string_value="E"))
    link = span.links.add(trace_id=bytes.fromhex("1af7651916cd43dd8448eb211c80319c"), span_id=bytes.fromhex("c7ad6b7169203331"))
    link.attributes.append(kv("l", string_value="x"))
    ss.spans.add(trace_id=tid, span_id=bytes.fromhex("00f067aa0ba902b7"), parent_span_id=bytes.fromhex("b7ad6b7169203331"),
                 name="db", kind=3, start_time_unix_nano=1_700_000_000_001_000_000, end_time_unix_nano=1_700_000_000_002_000_000)
    # Rejected on its own: a trace id of 3 bytes.
    ss.spans.add(trace_id=b"\x01\x02\x03", span_id=bytes.fromhex("00f067aa0ba902b8"), name="bad")
    return req


def hex_ids(value):
    """OTLP/JSON writes trace and span ids as hex, where protobuf's JSON mapping writes base64."""
    import base64
    if isinstance(value, dict):
        return {k: (base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str) else hex_ids(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [hex_ids(v) for v in value]
    return value


def otlp():
    metrics = metrics_request().SerializeToString()
    traces = traces_request().SerializeToString()
    write("otlp-metrics-proto", "all-kinds", metrics)
    write("otlp-metrics-proto", "all-kinds.gz", gzip.compress(metrics, mtime=0))
    write("otlp-metrics-proto", "all-kinds.deflate", zlib.compress(metrics))
    write("otlp-metrics-proto", "empty", b"")
    write("otlp-traces-proto", "spans", traces)
    write("otlp-traces-proto", "spans.gz", gzip.compress(traces, mtime=0))
    write("otlp-traces-proto", "empty", b"")
    mjson = hex_ids(json_format.MessageToDict(metrics_request()))
    tjson = hex_ids(json_format.MessageToDict(traces_request()))
    write("otlp-json", "metrics.json", json.dumps(mjson, separators=(",", ":")))
    write("otlp-json", "traces.json", json.dumps(tjson, separators=(",", ":")))
    write("otlp-json", "metrics-snake.json", json.dumps(json_format.MessageToDict(metrics_request(), preserving_proto_field_name=True)))
    write("otlp-json", "traces.json.gz", gzip.compress(json.dumps(tjson).encode(), mtime=0))
    logs = {"resourceLogs": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "api"}}]},
                              "scopeLogs": [{"logRecords": [{"timeUnixNano": "1700000000000000000", "body": {"stringValue": "hi"}},
                                                            {"severityNumber": 9}]}]}]}
    write("otlp-json", "logs.json", json.dumps(logs))
    write("otlp-json", "numbers.json", '{"a":[1,-0.5e-3,"NaN",1e309,true,false,null,"\\u00e9\\ud83d\\ude00"],"b":{}}')


# --- text inputs --------------------------------------------------------------------------------

def text_targets():
    promql = {
        "rate": 'sum by (job) (rate(http_requests_total{job=~"api|web",code!="500"}[5m] offset 1m))',
        "binary": 'a / on(instance) group_left(job) b > bool 0.5 unless c or -d ^ 2 % 3',
        "subquery": 'max_over_time(deriv(x[1h:5m] @ 1700000000)[30m:]) atan2 vector(1)',
        "histogram": 'histogram_quantile(0.99, sum by (le) (rate(latency_seconds_bucket[5m])))',
        "aggregations": 'topk(3, x) + count_values("v", y) + quantile(0.5, z) + limitk(2, w) + limit_ratio(0.5, v)',
        "durations": 'rate(x[5m+step()*2]) offset -(1h/2) + x[1d1h] @ start()',
        "strings": "label_replace(up, \"dst\", 'a\\x41\\u00e9', `src`, \"(.*)\")",
        "utf8-names": '{"my.metric", "a.b"="c"} or "x.y"{z="1"}',
        "numbers": '0x1F + 1e-3 + Inf - NaN + 1_000 + 0o17 + .5 + 5m',
        "selector": 'up{job="api"}',
        "duration": '1h30m',
        "fill": 'a + fill(0) b',
        "smoothed": 'rate(x[5m] smoothed) + increase(y[1m] anchored)',
    }
    for name, text in promql.items():
        write("promql", name, text)
    for name, text in {
        "full": "0AF7651916CD43DD8448EB211C80319C", "short": "abc", "odd": "12345", "span": "b7ad6b7169203331",
        "too-long": "0af7651916cd43dd8448eb211c80319c0", "not-hex": "xyz", "empty": "",
    }.items():
        write("trace-id", name, text)
    for name, text in {
        "all": "{}",
        "and-or": '{ resource.service.name = "api" && (span.http.status_code >= 500 || status = error) }',
        "regex": '{ .http.url =~ "https?://.*" && name !~ "GET.*" }',
        "intrinsics": "{ duration > 100ms && duration <= 1.5s && kind = server && status != ok }",
        "literals": '{ .f < 1.5 && .b = true && .i = -3 && .missing = nil && .s = "a\\"b" }',
        "tempo-tags": 'service.name=api http.status_code=500 "key with space"="v" status.code=error name=GET',
        "jaeger-tags": '{"http.status_code":"500","error":"true","span.kind":"server","otel.status_code":"OK"}',
        "go-duration": "1h2m3.5s4ms5us6ns",
    }.items():
        write("traceql", name, text)
    script = """load 5m
  http_requests{job="api", instance="0"} 0+10x10 _ stale 1 _x3 2-1x4
  http_requests{job="api", instance="1"} 1e3 -Inf NaN 0x1F

eval instant at 50m sum by (job) (http_requests)
  {job="api"} 200

eval range from 0 to 10m step 5m rate(http_requests[5m])
  expect ordered
  expect warn msg: something
  {job="api", instance="0"} 0 0.0333 _

eval_fail instant at 0m 1 +
  expect fail regex: parse error.*

eval instant at 0m "a"
  expect string "a"

eval instant at 0m 1
  1

clear
"""
    write("test-script", "commands", script)
    write("test-script", "histograms", "load 1m\n  h {{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2\n\neval instant at 1m h\n  h {{schema:0 sum:5 count:4 buckets:[1 2 1]}}\n")
    write("test-script", "range-expect", "eval range from 0 to 1m step 30s x[1m]\n  expect range vector from 0 to 1m step 30s\n  x 1 2 3\n")


if __name__ == "__main__":
    rw1()
    rw2()
    otlp()
    text_targets()
