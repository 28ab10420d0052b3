#!/usr/bin/env bash
# Regenerates every committed file under Sources/*/Generated/ from the .proto files in this folder.
#
#   proto/generate.sh
#
# Needs protoc (Debian protobuf-compiler), protoc-c (protobuf-c-compiler), git and swift. The two Swift
# protoc plugins are built from the mirrored package checkouts at the versions Package.swift pins and cached
# in $PIVOT_PROTO_PLUGIN_CACHE (default ~/.cache/pivot-proto-plugins), so a second run does not rebuild them.
# Generated files are never edited by hand: change a .proto file or this script and run it again.
set -euo pipefail

SWIFT_PROTOBUF_VERSION=1.39.0
GRPC_SWIFT_PROTOBUF_VERSION=2.4.1

PROTO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$PROTO_DIR")"
CACHE="${PIVOT_PROTO_PLUGIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pivot-proto-plugins}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for tool in protoc protoc-c git swift; do
    command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found" >&2; exit 1; }
done

# build_plugin REPO TAG PRODUCT: prints the path of the built plugin executable.
build_plugin() {
    local repo="$1" tag="$2" product="$3"
    local out="$CACHE/$product-$tag/$product"
    if [[ ! -x "$out" ]]; then
        echo "building $product from $repo at $tag" >&2
        git -c advice.detachedHead=false clone --quiet --depth 1 --branch "$tag" "$repo" "$WORK/$product" >&2
        (cd "$WORK/$product" && swift build --product "$product" -c release >&2)
        mkdir -p "$(dirname "$out")"
        cp "$WORK/$product/.build/release/$product" "$out"
    fi
    echo "$out"
}

PROTOC_GEN_SWIFT="$(build_plugin https://github.com/apple/swift-protobuf "$SWIFT_PROTOBUF_VERSION" protoc-gen-swift)"
PROTOC_GEN_GRPC="$(build_plugin https://github.com/grpc/grpc-swift-protobuf "$GRPC_SWIFT_PROTOBUF_VERSION" protoc-gen-grpc-swift-2)"

# Include roots: prometheus/ for remote-write (remote.proto imports "types.proto"), this folder for OTLP and
# google.rpc. Paths below are relative to their root.
PROM_ROOT="$PROTO_DIR/prometheus"
PROM_FILES=(types.proto remote.proto io/prometheus/write/v2/types.proto)
OTLP_FILES=(
    opentelemetry/proto/common/v1/common.proto
    opentelemetry/proto/resource/v1/resource.proto
    opentelemetry/proto/metrics/v1/metrics.proto
    opentelemetry/proto/trace/v1/trace.proto
    opentelemetry/proto/logs/v1/logs.proto
    opentelemetry/proto/collector/metrics/v1/metrics_service.proto
    opentelemetry/proto/collector/trace/v1/trace_service.proto
    opentelemetry/proto/collector/logs/v1/logs_service.proto
    google/rpc/status.proto
)
SERVICE_FILES=(
    opentelemetry/proto/collector/metrics/v1/metrics_service.proto
    opentelemetry/proto/collector/trace/v1/trace_service.proto
    opentelemetry/proto/collector/logs/v1/logs_service.proto
)
C_PROM_FILES=(types.proto remote.proto)
C_OTLP_FILES=(
    opentelemetry/proto/common/v1/common.proto
    opentelemetry/proto/resource/v1/resource.proto
    opentelemetry/proto/metrics/v1/metrics.proto
    opentelemetry/proto/collector/metrics/v1/metrics_service.proto
)

WIRE_OUT="$ROOT/Sources/PivotWire/Generated"
GRPC_OUT="$ROOT/Sources/PivotGRPC/Generated"
C_OUT="$ROOT/Sources/CPivotProtobufC/Generated"

fresh() { rm -rf "$1" && mkdir -p "$1"; }

# Swift messages (PivotWire). File names are the proto paths with "/" → "_", so the two types.proto files
# do not collide inside one target.
fresh "$WIRE_OUT"
SWIFT_OPTS=(--plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" --swift_out="$WIRE_OUT"
            --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores)
(cd "$PROM_ROOT" && protoc "${SWIFT_OPTS[@]}" -I . "${PROM_FILES[@]}")
(cd "$PROTO_DIR" && protoc "${SWIFT_OPTS[@]}" -I . "${OTLP_FILES[@]}")

# gRPC server stubs (PivotGRPC) for the three collector services; their message types live in PivotWire.
fresh "$GRPC_OUT"
(cd "$PROTO_DIR" && protoc --plugin=protoc-gen-grpc-swift-2="$PROTOC_GEN_GRPC" --grpc-swift-2_out="$GRPC_OUT" \
    --grpc-swift-2_opt=Visibility=Public,Server=true,Client=false,FileNaming=PathToUnderscores \
    --grpc-swift-2_opt=ExtraModuleImports=PivotWire \
    -I . "${SERVICE_FILES[@]}")

# protobuf-c (CPivotProtobufC): remote-write 1.0 and OTLP metrics. Generated headers include each other by
# proto path, so Generated/ is the target's public header root.
fresh "$C_OUT"
(cd "$PROM_ROOT" && protoc-c --c_out="$C_OUT" -I . "${C_PROM_FILES[@]}")
# protoc-c 1.4 rejects proto3 `optional`; it is compiled from a copy with the keyword dropped. The wire format
# is the same (only presence tracking differs: an absent sum/min/max reads as 0 in the C structs).
C_PROTO="$WORK/c-proto"
for file in "${C_OTLP_FILES[@]}"; do
    mkdir -p "$C_PROTO/$(dirname "$file")"
    sed -E 's/^([[:space:]]*)optional /\1/' "$PROTO_DIR/$file" >"$C_PROTO/$file"
done
(cd "$C_PROTO" && protoc-c --c_out="$C_OUT" -I . "${C_OTLP_FILES[@]}")

echo "generated:" >&2
(cd "$ROOT" && find "${WIRE_OUT#"$ROOT"/}" "${GRPC_OUT#"$ROOT"/}" "${C_OUT#"$ROOT"/}" -type f | sort) >&2
