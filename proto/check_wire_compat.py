#!/usr/bin/env python3
"""Checks that Pivot's .proto files describe the same wire format as the upstream copies in
../shared/reference/proto/: package, message/enum/field names, numbers, types, labels, oneofs,
proto3 optional, reserved ranges and services. Comments and non-wire options are ignored.

Usage: proto/check_wire_compat.py [path/to/shared/reference/proto]
Needs only protoc (it decodes descriptor sets with `protoc --decode`, no Python protobuf module).
Exit status 0 when everything matches, 1 with a list of differences otherwise.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Upstream messages Pivot deliberately leaves out (remote-read; see the header of prometheus/remote.proto).
LEFT_OUT = {
    "prometheus.ReadRequest", "prometheus.ReadResponse", "prometheus.Query",
    "prometheus.QueryResult", "prometheus.ChunkedReadResponse",
}

PROM_FILES = ["types.proto", "remote.proto", "io/prometheus/write/v2/types.proto"]
OTLP_FILES = [
    "opentelemetry/proto/common/v1/common.proto",
    "opentelemetry/proto/resource/v1/resource.proto",
    "opentelemetry/proto/metrics/v1/metrics.proto",
    "opentelemetry/proto/trace/v1/trace.proto",
    "opentelemetry/proto/logs/v1/logs.proto",
    "opentelemetry/proto/collector/metrics/v1/metrics_service.proto",
    "opentelemetry/proto/collector/trace/v1/trace_service.proto",
    "opentelemetry/proto/collector/logs/v1/logs_service.proto",
]


def find_descriptor_proto():
    for root in ["/usr/include", "/usr/local/include"]:
        if os.path.exists(os.path.join(root, "google/protobuf/descriptor.proto")):
            return root
    sys.exit("check_wire_compat: google/protobuf/descriptor.proto not found")


def descriptor_text(include_root, files):
    with tempfile.NamedTemporaryFile(suffix=".pb") as out:
        subprocess.run(["protoc", "-I", include_root, "-o", out.name] + files, check=True)
        wkt = find_descriptor_proto()
        with open(out.name, "rb") as raw:
            return subprocess.run(
                ["protoc", "-I", wkt, "--decode=google.protobuf.FileDescriptorSet", "google/protobuf/descriptor.proto"],
                stdin=raw, check=True, capture_output=True, text=True).stdout


def parse(text):
    """Parses protobuf text format into nested lists of (key, value) pairs."""
    root = []
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
        elif line.endswith("{"):
            child = []
            stack[-1].append((line[:-1].strip(), child))
            stack.append(child)
        else:
            key, _, value = line.partition(":")
            stack[-1].append((key.strip(), value.strip().strip('"')))
    return root


def get(node, key, default=""):
    for k, v in node:
        if k == key:
            return v
    return default


def all_of(node, key):
    return [v for k, v in node if k == key]


def summarize_message(prefix, msg, out):
    name = prefix + "." + get(msg, "name")
    oneofs = [get(o, "name") for o in all_of(msg, "oneof_decl")]
    fields = []
    for f in all_of(msg, "field"):
        oneof = get(f, "oneof_index", None)
        packed = get(get(f, "options", []), "packed", "") if get(f, "options", None) else ""
        fields.append((
            int(get(f, "number")), get(f, "name"), get(f, "label"), get(f, "type"), get(f, "type_name"),
            oneofs[int(oneof)] if oneof is not None else "", get(f, "proto3_optional", "false"), packed))
    reserved = sorted((int(get(r, "start")), int(get(r, "end"))) for r in all_of(msg, "reserved_range"))
    out[name] = {"fields": sorted(fields), "reserved": reserved, "reserved_names": sorted(all_of(msg, "reserved_name"))}
    for nested in all_of(msg, "nested_type"):
        summarize_message(name, nested, out)
    for enum in all_of(msg, "enum_type"):
        summarize_enum(name, enum, out)


def summarize_enum(prefix, enum, out):
    name = prefix + "." + get(enum, "name")
    out[name] = {"values": sorted((int(get(v, "number")), get(v, "name")) for v in all_of(enum, "value"))}


def summarize(text):
    out = {}
    for f in all_of(parse(text), "file"):
        package = get(f, "package")
        prefix = "." + package if package else ""
        out["file " + get(f, "name")] = {"package": package, "syntax": get(f, "syntax")}
        for msg in all_of(f, "message_type"):
            summarize_message(prefix, msg, out)
        for enum in all_of(f, "enum_type"):
            summarize_enum(prefix, enum, out)
        for svc in all_of(f, "service"):
            methods = sorted((get(m, "name"), get(m, "input_type"), get(m, "output_type"),
                              get(m, "client_streaming", "false"), get(m, "server_streaming", "false"))
                             for m in all_of(svc, "method"))
            out[prefix + "." + get(svc, "name")] = {"methods": methods}
    return out


def strip_gogoproto(src_root, dst_root, files):
    for name in files:
        with open(os.path.join(src_root, name)) as src:
            text = src.read()
        text = re.sub(r'^import "gogoproto/gogo.proto";\n', "", text, flags=re.M)
        text = re.sub(r" *\[\(gogoproto\.[a-z_]+\) *= *[a-z]+\]", "", text)
        os.makedirs(os.path.dirname(os.path.join(dst_root, name)), exist_ok=True)
        with open(os.path.join(dst_root, name), "w") as dst:
            dst.write(text)


def compare(family, ours, theirs):
    problems = []
    for name in sorted(set(ours) | set(theirs)):
        if name not in ours and any(name.lstrip(".") == m or name.lstrip(".").startswith(m + ".") for m in LEFT_OUT):
            continue
        if name not in ours:
            problems.append(f"{family}: {name} is upstream but not ours")
        elif name not in theirs:
            problems.append(f"{family}: {name} is ours but not upstream")
        elif ours[name] != theirs[name]:
            problems.append(f"{family}: {name} differs:\n  ours:     {ours[name]}\n  upstream: {theirs[name]}")
    return problems


def main():
    reference = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "reference", "proto")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        strip_gogoproto(os.path.join(reference, "prometheus"), tmp, PROM_FILES)
        problems += compare("prometheus", summarize(descriptor_text(os.path.join(HERE, "prometheus"), PROM_FILES)),
                            summarize(descriptor_text(tmp, PROM_FILES)))
    problems += compare("otlp", summarize(descriptor_text(HERE, OTLP_FILES)),
                        summarize(descriptor_text(os.path.join(reference, "opentelemetry"), OTLP_FILES)))
    status = summarize(descriptor_text(HERE, ["google/rpc/status.proto"]))[".google.rpc.Status"]
    expected = [(1, "code", "LABEL_OPTIONAL", "TYPE_INT32", "", "", "false", ""),
                (2, "message", "LABEL_OPTIONAL", "TYPE_STRING", "", "", "false", ""),
                (3, "details", "LABEL_REPEATED", "TYPE_MESSAGE", ".google.protobuf.Any", "", "false", "")]
    if status["fields"] != expected:
        problems.append(f"google.rpc.Status differs: {status['fields']}")
    for p in problems:
        print(p)
    checked = "prometheus (%d files), otlp (%d files), google.rpc.Status" % (len(PROM_FILES), len(OTLP_FILES))
    print(("MISMATCH in " if problems else "wire-compatible: ") + checked)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
