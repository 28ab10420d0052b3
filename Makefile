# Pivot — build, run and test. Works on a fresh Debian machine as root (installs what is missing).

SWIFT        ?= swift
DATA         ?= ./data
# Debian packages the build needs (system libraries linked by Package.swift).
BUILD_DEBS   := pkg-config libsnappy-dev libsqlite3-dev libprotobuf-c-dev zlib1g-dev libcrypt-dev
# Debian packages the tests and benchmarks drive as real peers.
TEST_DEBS    := prometheus prometheus-node-exporter openssl curl
BENCH_DEBS   := prometheus victoria-metrics
REVISION_H   := Sources/CPivotSupport/revision.h

.PHONY: run build build-debug test fuzz fuzz-fixed fuzz-build deps test-deps bench-deps revision bench bench-peers bench-interleaved bench-query bench-otlp bench-traces demo conformance crash-test clean help

help:
	@echo "make run    install missing packages, build (release), start pivot with storage in $(DATA)"
	@echo "make test   install missing packages, build (debug) once, run every test, then every fuzz target for FUZZ_SECONDS"
	@echo "make fuzz   build the libFuzzer harness in .build-fuzz and run every fuzz target for FUZZ_SECONDS (60) each"
	@echo "make bench  run the peer benchmark (Pivot vs Prometheus vs VictoriaMetrics), then bench-otlp and bench-traces"
	@echo "make bench-interleaved  the peer queries on Pivot and Prometheus side by side, peer after peer per query (QROUNDS)"
	@echo "make bench-query  the peer benchmark's queries in process (evaluate + JSON, no HTTP), SERIES x ROUNDS"
	@echo "make bench-otlp  OTLP metrics ingest over HTTP, HTTP+gzip and gRPC against the release binary"
	@echo "make bench-traces  span ingest, trace lookups and searches against the release binary"
	@echo "make crash-test  100 kill -9 cycles under concurrent remote-write, OTLP metrics and OTLP traces"
	@echo "make conformance  Prometheus's PromQL test scripts over Pivot's engine and store"
	@echo "make demo   start Pivot (if not running), run the instrumented demo service, print p99 -> exemplar -> trace"

# Installs only the packages that are missing; runs apt-get update once, when something is missing.
define install_debs
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_debs,$(BUILD_DEBS))

# Python packages the tests use as real OTLP clients (the OpenTelemetry SDK and its exporters).
TEST_PIP     := opentelemetry-sdk opentelemetry-exporter-otlp-proto-grpc opentelemetry-exporter-otlp-proto-http
# The OTLP/JSON exporter pins older versions of two packages the proto exporters share; its code works
# with theirs, so it is installed without its pins (--no-deps) after them.
TEST_PIP_JSON := opentelemetry-exporter-otlp-json-http==0.66b1 opentelemetry-exporter-otlp-json-common==0.66b1 \
                 opentelemetry-proto-json==0.66b1

test-deps: deps
	$(call install_debs,$(TEST_DEBS))
	@python3 -c 'import opentelemetry.sdk, opentelemetry.exporter.otlp.proto.grpc, opentelemetry.exporter.otlp.proto.http' 2>/dev/null \
	  || python3 -m pip install -q $(TEST_PIP)
	@python3 -c 'import opentelemetry.exporter.otlp.json.http.metric_exporter' 2>/dev/null \
	  || python3 -m pip install -q --no-deps $(TEST_PIP_JSON)

bench-deps: deps
	$(call install_debs,$(BENCH_DEBS))

# Writes the git revision and build date for buildinfo; rewritten only when the revision changes.
revision:
	@rev=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	line="#define PIVOT_REVISION \"$$rev\""; \
	if ! grep -qsF "$$line" $(REVISION_H); then \
	  printf '%s\n#define PIVOT_BUILD_DATE "%s"\n' "$$line" "$$(date -u +%Y-%m-%dT%H:%M:%SZ)" > $(REVISION_H); \
	fi

build: deps revision
	$(SWIFT) build -c release --product pivot

build-debug: deps revision
	$(SWIFT) build --build-tests

run: build
	.build/release/pivot serve --storage.path=$(DATA)

# The pivot without Grafana: a latency percentile, its slowest exemplar, and that exemplar's trace.
demo: test-deps build
	python3 demo/demo.py --pivot .build/release/pivot --storage-path $(DATA)

test: test-deps build-debug
	$(SWIFT) test --skip-build --parallel
	@if [ "$(FUZZ)" != "0" ]; then $(MAKE) fuzz-fixed; else echo "fuzzing skipped (FUZZ=0)"; fi

# Fuzzing (docs/fuzzing.md): the pivot-fuzz harness built with libFuzzer and AddressSanitizer in its own
# scratch path (the normal build is untouched). `make fuzz` explores: every target for FUZZ_SECONDS
# seconds from a random seed. `make fuzz-fixed` (what `make test` runs; `make test FUZZ=0` skips it)
# runs the same inputs every time: seed 1, a set number per target, so its verdict is reproducible.
FUZZ_SECONDS ?= 60
FUZZ ?= fixed
FUZZ_SCRATCH := .build-fuzz
FUZZER_LIB   ?= $(firstword $(wildcard $(dir $(realpath $(shell command -v $(SWIFT))))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-$(shell uname -m).a))

fuzz-build: deps
	@test -n "$(FUZZER_LIB)" || { echo "libclang_rt.fuzzer_no_main not found next to $(SWIFT); set FUZZER_LIB"; exit 1; }
	$(SWIFT) build --scratch-path $(FUZZ_SCRATCH) --product pivot-fuzz -Xswiftc -DPIVOT_FUZZ -Xswiftc -sanitize=address \
	  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
	  -Xlinker $(FUZZER_LIB) -Xlinker -lstdc++

fuzz: fuzz-build
	bash fuzz/run.sh $(FUZZ_SECONDS)

fuzz-fixed: fuzz-build
	bash fuzz/run.sh --fixed

# The crash harness at full length (make test runs 20 cycles): kill -9 under concurrent remote-write,
# OTLP metric and OTLP trace writers, then every acknowledged write is checked. Prints "N cycles, 0 lost".
CRASH_CYCLES ?= 100
crash-test: test-deps build-debug
	@PIVOT_CRASH_CYCLES=$(CRASH_CYCLES) $(SWIFT) test --skip-build --filter CrashRecoveryTests 2>&1 | tee .build/crash-test.log \
	  | grep -E "crash recovery:|passed|failed|error" ; \
	grep -q "crash recovery: $(CRASH_CYCLES) cycles, 0 lost" .build/crash-test.log

# Prometheus's PromQL test scripts over the engine and the real store: the per-file table.
conformance: deps
	$(SWIFT) build --product PivotConformance
	.build/debug/PivotConformance ../shared/reference/promql-tests

# The peer benchmark (../shared/bench): Pivot as a third peer next to Prometheus and VictoriaMetrics,
# started fresh for each repetition. Knobs: SERIES ROUNDS CONC REPS (see ../shared/bench/README.md).
BENCH_DIR    ?= ../shared/bench
BENCH_WORK   ?= $(CURDIR)/.build-bench
SERIES       ?= 10000
ROUNDS       ?= 120
# bench-query: megabytes written before each run, so runs start with cold caches (0: warm runs)
EVICT_MB     ?= 0
CONC         ?= 4
REPS         ?= 3

bench: bench-deps build bench-peers bench-otlp bench-traces

bench-peers: bench-deps build
	@mkdir -p $(BENCH_WORK)
	@printf '[{"name": "pivot", "cmd": ["%s", "serve", "--web.listen-address=127.0.0.1:{port}", "--otlp.http-listen-address=", "--otlp.grpc-listen-address=", "--storage.path={dir}"], "write_path": "/api/v1/write", "query_base": "", "ready_path": "/-/ready", "flush": [], "snapshot": null}]\n' \
	  "$(CURDIR)/.build/release/pivot" > $(BENCH_WORK)/pivot-peer.json
	BENCH_WORK=$(BENCH_WORK) PEER_SPEC=$(BENCH_WORK)/pivot-peer.json PEERS=victoria-metrics,pivot,prometheus \
	  SERIES=$(SERIES) ROUNDS=$(ROUNDS) CONC=$(CONC) REPS=$(REPS) bash $(BENCH_DIR)/run_peers.sh | tee $(BENCH_WORK)/last.md
	python3 docs/tools/render_benchmarks.py "$$(ls -t $(BENCH_WORK)/results/*.json | head -1)" docs/benchmarks.md \
	  "make bench SERIES=$(SERIES) ROUNDS=$(ROUNDS) CONC=$(CONC) REPS=$(REPS)"

# The same queries against Pivot and Prometheus running side by side, each query measured on one peer
# right after the other (bench/query_interleaved.py): per-query ratios of timings taken seconds apart,
# which this machine's swings in speed move far less than bench-peers' peer-after-peer runs. Uses the
# payloads bench-peers generates (same SERIES and ROUNDS), making them if missing; QROUNDS rounds.
QROUNDS      ?= 7
BENCH_DATA    = $(BENCH_WORK)/.data/s$(SERIES)-r$(ROUNDS)-b2000-e0.01
bench-interleaved: bench-deps build
	@test -f $(BENCH_DATA)/manifest.json || python3 $(BENCH_DIR)/rw_payloads.py --out $(BENCH_DATA) \
	  --series $(SERIES) --rounds $(ROUNDS) --batch-size 2000 --exemplar-ratio 0.01 >/dev/null
	python3 bench/query_interleaved.py --pivot .build/release/pivot --payloads $(BENCH_DATA) \
	  --bench $(BENCH_DIR) --rounds $(QROUNDS)

# The peer benchmark's queries in process (pivot-bench query): parse, evaluate and encode, no HTTP;
# steadier than the HTTP timings for comparing engine changes. Same SERIES and ROUNDS knobs;
# EVICT_MB=32 starts each run with cold caches, as the peer benchmark's queries start.
bench-query: deps revision
	$(SWIFT) build -c release --product pivot-bench
	.build/release/pivot-bench query --series $(SERIES) --rounds $(ROUNDS) --evict-mb $(EVICT_MB)

# OTLP metrics ingest (bench/otlp): a fresh pivot per transport; writes the OTLP section of docs/benchmarks.md.
OTLP_SERIES  ?= 10000
OTLP_ROUNDS  ?= 200
OTLP_REPS    ?= 3

bench-otlp: test-deps build
	@python3 -c 'import aiohttp' 2>/dev/null || python3 -m pip install -q aiohttp
	python3 bench/otlp/run_otlp.py --pivot .build/release/pivot --series $(OTLP_SERIES) --rounds $(OTLP_ROUNDS) --reps $(OTLP_REPS) \
	  --work $(BENCH_WORK)/otlp --doc docs/benchmarks.md --command "make bench-otlp OTLP_SERIES=$(OTLP_SERIES) OTLP_ROUNDS=$(OTLP_ROUNDS) OTLP_REPS=$(OTLP_REPS)"

# Trace ingest (OTLP/HTTP protobuf), lookups and searches (bench/otlp): writes the trace section of docs/benchmarks.md.
TRACE_SPANS  ?= 10000000

bench-traces: test-deps build
	@python3 -c 'import aiohttp' 2>/dev/null || python3 -m pip install -q aiohttp
	python3 bench/otlp/run_traces.py --pivot .build/release/pivot --spans $(TRACE_SPANS) --work $(BENCH_WORK)/traces \
	  --doc docs/benchmarks.md --command "make bench-traces TRACE_SPANS=$(TRACE_SPANS)"

clean:
	rm -rf .build
