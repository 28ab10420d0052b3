#!/usr/bin/env python3
"""Trace benchmark against the real pivot binary: span ingest over OTLP/HTTP protobuf, then trace
lookups and searches, on one fresh server with an empty storage directory.

Writes WORK/traces-results.json and, with --doc, the "Trace ingest and lookup" section of a Markdown
file (replaced if present). Usage:
  run_traces.py --pivot .build/release/pivot [--spans 1000000] [--work DIR] [--doc docs/benchmarks.md]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_otlp import free_port, replace_section, wait_ready  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pivot", required=True)
    p.add_argument("--spans", type=int, default=1_000_000)
    p.add_argument("--work", default=os.path.join(os.getcwd(), ".build-bench", "traces"))
    p.add_argument("--doc")
    p.add_argument("--command", default="make bench-traces")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    payloads = os.path.join(args.work, "payloads")
    shutil.rmtree(payloads, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(HERE, "trace_payloads.py"), "--spans", str(args.spans),
                    "--out", payloads], check=True)
    manifest = json.load(open(os.path.join(payloads, "manifest.json")))
    web, http, grpc = free_port(), free_port(), free_port()
    data = os.path.join(args.work, "data")
    shutil.rmtree(data, ignore_errors=True)
    log = open(os.path.join(args.work, "pivot.log"), "w")
    process = subprocess.Popen([
        os.path.abspath(args.pivot), "serve", f"--web.listen-address=127.0.0.1:{web}",
        f"--otlp.http-listen-address=127.0.0.1:{http}", f"--otlp.grpc-listen-address=127.0.0.1:{grpc}",
        f"--storage.path={data}"], stdout=log, stderr=log)
    try:
        wait_ready(f"http://127.0.0.1:{web}/-/ready", process)
        ingest_out = os.path.join(args.work, "ingest.json")
        subprocess.run([sys.executable, os.path.join(HERE, "otlp_bench.py"), "--dir", payloads, "--pid", str(process.pid),
                        "--url", f"http://127.0.0.1:{http}/v1/traces", "--json-out", ingest_out], check=False)
        query_out = os.path.join(args.work, "queries.json")
        subprocess.run([sys.executable, os.path.join(HERE, "trace_query_bench.py"), "--url", f"http://127.0.0.1:{web}",
                        "--dir", payloads, "--json-out", query_out], check=True, stdout=subprocess.DEVNULL)
        ingest = json.load(open(ingest_out))
        queries = json.load(open(query_out))
        disk = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(data) for f in files)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(data, ignore_errors=True)
    json.dump({"manifest": {k: v for k, v in manifest.items() if k != "rounds_files"}, "ingest": ingest,
               "queries": queries, "disk_bytes": disk},
              open(os.path.join(args.work, "traces-results.json"), "w"), indent=1)
    server = ingest.get("server") or {}
    lines = ["## Trace ingest and lookup", "",
             f"Command: `{args.command}`. One fresh `pivot` (release), storage empty; the Python sender shares the 2 cores. "
             f"{manifest['spans']:,} spans in {manifest['traces']:,} traces of 10 spans over {len(manifest['services'])} "
             "services, 10–20 attributes per span, a third with 1–3 events, 1,000 spans per OTLP/HTTP protobuf request, "
             "4 in flight.", "",
             "| measure | value |", "|---|---:|",
             f"| span ingest, spans/s | {ingest.get('points_per_second') or 0:,.0f} |",
             f"| server CPU-s per 1M spans | {server.get('cpu_seconds_per_million_points', float('nan')):.1f} |",
             f"| export latency p50 / p99 ms | {ingest['latency_ms']['p50']} / {ingest['latency_ms']['p99']} |",
             f"| failed / rejected spans | {ingest.get('failed_points', 0)} / {ingest.get('rejected_data_points', 0)} |",
             f"| disk bytes per span (data directory, WAL included) | {disk / max(1, manifest['spans']):,.0f} |"]
    for key, label in [("trace_by_id_tempo_v2_protobuf", "trace by id, Tempo v2 protobuf"),
                       ("trace_by_id_jaeger", "trace by id, Jaeger JSON"),
                       ("search_service_min_duration", "Tempo search service + minDuration=100ms"),
                       ("search_traceql_attribute", "Tempo search TraceQL service && status_code = 500"),
                       ("jaeger_search_service_min_duration", "Jaeger search service + minDuration (full traces)")]:
        q = queries[key]
        lines.append(f"| {label}: p50 / p99 ms ({q['runs']} runs) | {q['p50_ms']} / {q['p99_ms']} |")
    if queries.get("problems"):
        lines.append(f"| problems | {len(queries['problems'])} |")
    section = "\n".join(lines) + "\n"
    print(section)
    if args.doc:
        replace_section(args.doc, section)


if __name__ == "__main__":
    main()
