#!/usr/bin/env python3
"""Sends the payloads written by otlp_payloads.py to an OTLP metrics receiver and reports throughput.

Transports: OTLP/HTTP (`--url http://HOST:PORT/v1/metrics`, protobuf body, aiohttp when installed,
otherwise threads + http.client; `--client sockets` for keep-alive HTTP/1.1 on plain sockets, which
costs the least sender CPU) or OTLP/gRPC (`--grpc HOST:PORT`, a raw-bytes unary call on
/opentelemetry.proto.collector.metrics.v1.MetricsService/Export). `--gzip` compresses bodies (HTTP:
compressed once before timing starts; gRPC: grpc's own gzip, so it costs client CPU while timing).

Rounds overlap by lane (request q of round r+1 starts once request q of round r has completed), at
most --concurrency requests in flight; with --round-interval every request of round r completes
before round r+1 starts. No retries: a non-2xx / non-OK answer counts as a failure.
Every 2xx / OK answer is parsed as ExportMetricsServiceResponse and its
partial_success.rejected_data_points are summed.

With --pid, the server's CPU time (utime+stime from /proc/PID/stat) and RSS (VmRSS, VmHWM from
/proc/PID/status) are read before and after; with --prom-url the series and exemplars the server
holds are queried after the run and compared with the manifest.

Output: a JSON report on stdout (or --json-out FILE) and a one-line summary on stderr.
"""

import argparse
import asyncio
import gzip
import json
import os
import resource
import sys
import threading
import time
import urllib.parse
import urllib.request

from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from run_otlp import cpu_seconds

# Per signal: the gRPC method and the response message (the payload manifest names the signal;
# for traces "points" counts spans).
EXPORT_METHODS = {
    "metrics": "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
    "traces": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
}
EXPORT_METHOD = EXPORT_METHODS["metrics"]
SIGNAL = "metrics"


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dir", default="/tmp/pivot-otlp-payloads", help="directory with manifest.json")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="OTLP/HTTP metrics URL, e.g. http://127.0.0.1:4318/v1/metrics")
    target.add_argument("--grpc", help="OTLP/gRPC address HOST:PORT, e.g. 127.0.0.1:4317")
    p.add_argument("--concurrency", type=int, default=4, help="requests in flight (default 4)")
    p.add_argument("--gzip", action="store_true", help="gzip request bodies")
    p.add_argument("--rounds", type=int, default=None, help="send only the first N rounds")
    p.add_argument("--round-interval", type=float, default=0.0,
                   help="minimum seconds from one round's start to the next (default 0: back to back)")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    p.add_argument("--pid", type=int, default=None, help="server process id for CPU and RSS figures")
    p.add_argument("--prom-url", default=None,
                   help="Pivot web URL (e.g. http://127.0.0.1:9090) to count series/exemplars afterwards")
    p.add_argument("--client", choices=["auto", "aiohttp", "threads", "sockets"], default="auto",
                   help="HTTP client: aiohttp (auto when installed, else threads with http.client), or sockets "
                        "(keep-alive HTTP/1.1 on plain sockets, the least sender CPU)")
    p.add_argument("--json-out", default=None, help="write the JSON report here instead of stdout")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------------
# Server process figures


def proc_figures(pid):
    """CPU seconds (user+system) and RSS/peak RSS in bytes of a process, from /proc."""
    cpu = cpu_seconds(pid)
    rss = hwm = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) * 1024
    return {"cpu_seconds": cpu, "rss_bytes": rss, "peak_rss_bytes": hwm}


# ---------------------------------------------------------------------------------------------------
# Results


class Results:
    """Outcomes of all requests; safe to update from several threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.ok_requests = 0
        self.ok_points = 0
        self.failed_points = 0
        self.failures = {}
        self.rejected_points = 0
        self.partial_success_responses = 0
        self.error_messages = {}
        self.bytes_sent = 0

    def record(self, status, ok, points, latency, body, sent):
        with self.lock:
            self.latencies.append(latency)
            self.bytes_sent += sent
            if not ok:
                self.failures[status] = self.failures.get(status, 0) + 1
                self.failed_points += points
                if body:
                    text = body[:200].decode("utf-8", "replace") if isinstance(body, bytes) else str(body)[:200]
                    key = f"{status}: {text}"
                    self.error_messages[key] = self.error_messages.get(key, 0) + 1
                return
            self.ok_requests += 1
            self.ok_points += points
            rejected, message = parse_partial_success(body)
            if rejected or message:
                self.partial_success_responses += 1
                self.rejected_points += rejected
                if message:
                    key = f"partial_success: {message[:200]}"
                    self.error_messages[key] = self.error_messages.get(key, 0) + 1


def parse_partial_success(body):
    """Returns (rejected_data_points, error_message) of an ExportMetricsServiceResponse body."""
    if not body:
        return 0, ""
    if body[:1] == b"{":
        try:
            ps = json.loads(body).get("partialSuccess", {})
            return int(ps.get("rejectedDataPoints", 0)), ps.get("errorMessage", "")
        except ValueError:
            return 0, "unparseable JSON response"
    if SIGNAL == "traces":
        response = trace_service_pb2.ExportTraceServiceResponse()
    else:
        response = metrics_service_pb2.ExportMetricsServiceResponse()
    try:
        response.ParseFromString(body)
    except Exception:  # noqa: BLE001 - any decode failure is reported, not fatal
        return 0, "unparseable protobuf response"
    if SIGNAL == "traces":
        return response.partial_success.rejected_spans, response.partial_success.error_message
    return response.partial_success.rejected_data_points, response.partial_success.error_message


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[index]


# ---------------------------------------------------------------------------------------------------
# Senders. Each takes the rounds (lists of (body, points)) and sends them round by round.


async def run_rounds(rounds, concurrency, round_interval, send_one, on_round=None):
    """Sends the rounds with at most `concurrency` requests in flight.

    With a round interval, every request of round r completes before round r+1 starts. Without one,
    the rounds overlap by lane: request q of round r+1 starts once request q of round r has completed.
    The payload writers put each point stream (and each resource) in the same request position every
    round, so each stream's points still arrive in time order, as from one exporter per lane; a
    barrier at each round would leave cores idle while the round's last requests finish.
    """
    if round_interval > 0:
        for r, requests in enumerate(rounds):
            began = time.monotonic()
            queue = list(reversed(requests))

            async def worker():
                while queue:
                    body, points = queue.pop()
                    await send_one(body, points)

            await asyncio.gather(*(worker() for _ in range(min(concurrency, len(requests)))))
            if on_round:
                on_round(r)
            wait = round_interval - (time.monotonic() - began)
            if wait > 0 and r + 1 < len(rounds):
                await asyncio.sleep(wait)
        return
    order = [(r, q) for r, requests in enumerate(rounds) for q in range(len(requests))]
    order.reverse()
    finished = {}  # (round, lane) -> asyncio.Event
    remaining = [len(requests) for requests in rounds]

    async def worker():
        while order:
            r, q = order.pop()
            finished[(r, q)] = asyncio.Event()
            previous = finished.get((r - 1, q))
            if previous is not None:
                await previous.wait()
                del finished[(r - 1, q)]
            body, points = rounds[r][q]
            await send_one(body, points)
            finished[(r, q)].set()
            remaining[r] -= 1
            if remaining[r] == 0 and on_round:
                on_round(r)

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(order))))))


async def send_aiohttp(args, rounds, results, on_round):
    import aiohttp

    headers = {"Content-Type": "application/x-protobuf"}
    if args.gzip:
        headers["Content-Encoding"] = "gzip"
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=True) as session:

        async def send_one(body, points):
            began = time.perf_counter()
            try:
                async with session.post(args.url, data=body, headers=headers) as response:
                    data = await response.read()
                    status = response.status
            except Exception as error:  # noqa: BLE001 - transport errors are results too
                results.record(type(error).__name__, False, points, time.perf_counter() - began, b"", len(body))
                return
            results.record(status, 200 <= status < 300, points, time.perf_counter() - began, data, len(body))

        await run_rounds(rounds, args.concurrency, args.round_interval, send_one, on_round)


def send_threads(args, rounds, results, on_round):
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    url = urllib.parse.urlsplit(args.url)
    path = url.path or "/v1/metrics"
    headers = {"Content-Type": "application/x-protobuf"}
    if args.gzip:
        headers["Content-Encoding"] = "gzip"
    local = threading.local()

    def connection():
        if getattr(local, "conn", None) is None:
            cls = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
            local.conn = cls(url.hostname, url.port, timeout=args.timeout)
        return local.conn

    def send_one(item):
        body, points = item
        began = time.perf_counter()
        try:
            conn = connection()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            if response.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            status = response.status
        except Exception as error:  # noqa: BLE001
            local.conn = None
            results.record(type(error).__name__, False, points, time.perf_counter() - began, b"", len(body))
            return
        results.record(status, 200 <= status < 300, points, time.perf_counter() - began, data, len(body))

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        for r, requests in enumerate(rounds):
            began = time.monotonic()
            list(pool.map(send_one, requests))
            if on_round:
                on_round(r)
            wait = args.round_interval - (time.monotonic() - began)
            if wait > 0 and r + 1 < len(rounds):
                time.sleep(wait)


def send_sockets(args, rounds, results, on_round):
    """HTTP/1.1 keep-alive over plain sockets, one thread per connection: each request is written
    with one sendmsg (head prepared before timing) and its answer read by Content-Length. The same
    bytes on the wire as the other clients, at a fraction of their CPU, so the sender takes less of
    the cores it shares with the server. Rounds overlap by lane, as in run_rounds."""
    import collections
    import socket

    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port or 80
    path = url.path or "/v1/metrics"
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/x-protobuf\r\n"
    if args.gzip:
        head += "Content-Encoding: gzip\r\n"
    prepared = [[((head + f"Content-Length: {len(body)}\r\n\r\n").encode(), body, points) for body, points in requests]
                for requests in rounds]
    order = collections.deque((r, q) for r, requests in enumerate(rounds) for q in range(len(requests)))
    done = set()
    remaining = [len(requests) for requests in rounds]
    ready = threading.Condition()

    def read_answer(sock, pending):
        while b"\r\n\r\n" not in pending:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            pending += chunk
        header_end = pending.index(b"\r\n\r\n") + 4
        lines = bytes(pending[:header_end]).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        while len(pending) < header_end + length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            pending += chunk
        body = bytes(pending[header_end:header_end + length])
        del pending[:header_end + length]
        return status, body

    def worker():
        sock = socket.create_connection((host, port), timeout=args.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = bytearray()
        try:
            while True:
                with ready:
                    while True:
                        if not order:
                            return
                        r, q = order[0]
                        if r == 0 or (r - 1, q) in done:
                            order.popleft()
                            break
                        ready.wait()
                request_head, body, points = prepared[r][q]
                began = time.perf_counter()
                try:
                    sock.sendmsg([request_head, body])
                    status, answer = read_answer(sock, pending)
                    results.record(status, 200 <= status < 300, points, time.perf_counter() - began, answer, len(body))
                except OSError as error:
                    results.record(type(error).__name__, False, points, time.perf_counter() - began, b"", len(body))
                    sock.close()
                    sock = socket.create_connection((host, port), timeout=args.timeout)
                    pending = bytearray()
                with ready:
                    done.add((r, q))
                    done.discard((r - 1, q))
                    remaining[r] -= 1
                    if remaining[r] == 0 and on_round:
                        on_round(r)
                    ready.notify_all()
        finally:
            sock.close()

    threads = [threading.Thread(target=worker) for _ in range(max(1, min(args.concurrency, len(order))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


async def send_grpc(args, rounds, results, on_round):
    import grpc

    options = [("grpc.max_send_message_length", 64 << 20), ("grpc.max_receive_message_length", 64 << 20)]
    compression = grpc.Compression.Gzip if args.gzip else grpc.Compression.NoCompression
    async with grpc.aio.insecure_channel(args.grpc, options=options, compression=compression) as channel:
        export = channel.unary_unary(EXPORT_METHOD)  # no serializers: bytes in, bytes out
        try:
            await asyncio.wait_for(channel.channel_ready(), timeout=args.timeout)
        except asyncio.TimeoutError:
            sys.exit(f"gRPC channel to {args.grpc} not ready within {args.timeout} s")

        async def send_one(body, points):
            began = time.perf_counter()
            try:
                data = await export(body, timeout=args.timeout)
            except grpc.aio.AioRpcError as error:
                results.record(error.code().name, False, points, time.perf_counter() - began,
                               (error.details() or "").encode(), len(body))
                return
            results.record("OK", True, points, time.perf_counter() - began, data, len(body))

        await run_rounds(rounds, args.concurrency, args.round_interval, send_one, on_round)


# ---------------------------------------------------------------------------------------------------
# Verification against Pivot's query API


def prom_get(base, path, params, timeout=60):
    url = base.rstrip("/") + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def verify(prom_url, manifest, rounds_sent):
    report = {"expected_series": manifest["prometheus_series"]}
    try:
        answer = prom_get(prom_url, "/api/v1/query", {"query": 'count({__name__=~"bench_.+"})'})
        result = answer.get("data", {}).get("result", [])
        report["series"] = int(float(result[0]["value"][1])) if result else 0
    except Exception as error:  # noqa: BLE001
        report["series_error"] = str(error)
    start = manifest["first_round_unix_ms"] / 1000 - manifest["step_seconds"]
    end = manifest["first_round_unix_ms"] / 1000 + rounds_sent * manifest["step_seconds"]
    try:
        answer = prom_get(prom_url, "/api/v1/query_exemplars",
                          {"query": "bench_request_duration_seconds_bucket", "start": start, "end": end})
        groups = answer.get("data", [])
        report["exemplars_request_duration"] = sum(len(g.get("exemplars", [])) for g in groups)
        sample = next((g["exemplars"][0] for g in groups if g.get("exemplars")), None)
        report["exemplar_sample"] = sample
    except Exception as error:  # noqa: BLE001
        report["exemplars_error"] = str(error)
    return report


# ---------------------------------------------------------------------------------------------------


def load_rounds(args, manifest):
    rounds = []
    for files in manifest["rounds_files"][: args.rounds]:
        requests = []
        for name, points in files:
            with open(os.path.join(args.dir, name), "rb") as f:
                body = f.read()
            if args.gzip and args.url:
                body = gzip.compress(body, compresslevel=6)
            requests.append((body, points))
        rounds.append(requests)
    return rounds


def main(argv=None):
    args = parse_args(argv)
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    global SIGNAL, EXPORT_METHOD
    SIGNAL = manifest.get("signal", "metrics")
    EXPORT_METHOD = EXPORT_METHODS[SIGNAL]
    rounds = load_rounds(args, manifest)
    points = sum(p for requests in rounds for _, p in requests)
    request_count = sum(len(requests) for requests in rounds)
    if args.url:
        client = args.client
        if client == "auto":
            try:
                import aiohttp  # noqa: F401

                client = "aiohttp"
            except ImportError:
                client = "threads"
        transport = f"http ({client})"
    else:
        client = "grpc"
        transport = "grpc (grpc.aio)"

    results = Results()
    peak_rss = [0]

    def on_round(_):
        if args.pid:
            peak_rss[0] = max(peak_rss[0], proc_figures(args.pid)["rss_bytes"])

    server_before = proc_figures(args.pid) if args.pid else None
    client_before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.monotonic()
    if client == "aiohttp":
        asyncio.run(send_aiohttp(args, rounds, results, on_round))
    elif client == "sockets":
        if args.round_interval > 0:
            sys.exit("--client sockets sends back to back: use aiohttp or threads with --round-interval")
        send_sockets(args, rounds, results, on_round)
    elif client == "threads":
        send_threads(args, rounds, results, on_round)
    else:
        asyncio.run(send_grpc(args, rounds, results, on_round))
    wall = time.monotonic() - began
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    server_after = proc_figures(args.pid) if args.pid else None

    latencies = sorted(results.latencies)
    report = {
        "transport": transport,
        "target": args.url or args.grpc,
        "gzip": args.gzip,
        "concurrency": args.concurrency,
        "rounds": len(rounds),
        "requests": request_count,
        "points": points,
        "bytes_sent": results.bytes_sent,
        "wall_seconds": round(wall, 3),
        "ok_requests": results.ok_requests,
        "ok_points": results.ok_points,
        "failed_points": results.failed_points,
        "failures_by_status": {str(k): v for k, v in results.failures.items()},
        "partial_success_responses": results.partial_success_responses,
        "rejected_data_points": results.rejected_points,
        "errors": dict(sorted(results.error_messages.items(), key=lambda kv: -kv[1])[:10]),
        "points_per_second": round(results.ok_points / wall, 1) if wall else None,
        "requests_per_second": round(results.ok_requests / wall, 2) if wall else None,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 2) if latencies else None,
            "p90": round(percentile(latencies, 0.90) * 1000, 2) if latencies else None,
            "p99": round(percentile(latencies, 0.99) * 1000, 2) if latencies else None,
            "max": round(latencies[-1] * 1000, 2) if latencies else None,
        },
        "client_cpu_seconds": round((client_after.ru_utime + client_after.ru_stime)
                                    - (client_before.ru_utime + client_before.ru_stime), 2),
    }
    if args.pid:
        cpu = server_after["cpu_seconds"] - server_before["cpu_seconds"]
        report["server"] = {
            "pid": args.pid,
            "cpu_seconds": round(cpu, 2),
            "cpu_seconds_per_million_points": round(cpu / points * 1e6, 2) if points else None,
            "cpu_utilisation": round(cpu / wall, 2) if wall else None,
            "rss_bytes_before": server_before["rss_bytes"],
            "rss_bytes_after": server_after["rss_bytes"],
            "rss_bytes_peak_sampled": max(peak_rss[0], server_after["rss_bytes"]),
            "vm_hwm_bytes_after": server_after["peak_rss_bytes"],
        }
    if args.prom_url:
        report["verify"] = verify(args.prom_url, manifest, len(rounds))

    text = json.dumps(report, indent=1)
    if args.json_out:
        with open(args.json_out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    failures = ",".join(f"{k}={v}" for k, v in report["failures_by_status"].items()) or "none"
    summary = (f"{transport}{' gzip' if args.gzip else ''} c={args.concurrency}: "
               f"{report['points_per_second']:,.0f} points/s, {report['requests_per_second']:,.1f} req/s, "
               f"{results.ok_requests}/{request_count} ok, failures {failures}, "
               f"rejected {results.rejected_points}, p50 {report['latency_ms']['p50']} ms, "
               f"p99 {report['latency_ms']['p99']} ms")
    if args.pid:
        s = report["server"]
        summary += (f", server {s['cpu_seconds_per_million_points']} CPU-s/1M points, "
                    f"RSS {s['rss_bytes_before'] / 2**20:.0f}->{s['rss_bytes_after'] / 2**20:.0f} MiB "
                    f"(peak {s['rss_bytes_peak_sampled'] / 2**20:.0f})")
    if args.prom_url:
        v = report["verify"]
        summary += f", series {v.get('series', '?')}/{v['expected_series']}"
    print(summary, file=sys.stderr)
    sys.exit(0 if not results.failures else 1)


if __name__ == "__main__":
    main()
