#!/usr/bin/env python3
"""Static checks of Pivot's deployment files and dashboards (no Docker engine, no Grafana needed).

Usage:
    deploy/validate.py PIVOT_BINARY [--repo DIR] [--allow-missing PATH ...] [--print-exprs]

PIVOT_BINARY is run as `PIVOT_BINARY serve --help` to learn every flag and its default. Checks:

* every YAML (all documents) and JSON file under deploy/ and dashboards/ parses;
* dashboards: uid/title/panels, schemaVersion >= 39, unique panel ids, every data source uid (panels,
  targets, template variables) is provisioned with a matching type, every `$variable` is defined or a
  Grafana built-in, every pivot_* metric a query names is registered somewhere in Sources/, and the
  service dashboard has exemplars on its latency panel, a Tempo trace search and service/instance
  variables fed by label_values;
* Grafana provisioning: data source keys, exemplarTraceIdDestinations (trace_id and traceID to a
  provisioned uid), httpMethod POST, Tempo streaming off, Jaeger under /jaeger, ports equal the flag
  defaults; the dashboards provider path is where docker-compose mounts dashboards/;
* OpenTelemetry Collector, Prometheus, docker-compose, Dockerfile, Kubernetes and systemd files:
  required keys and values (listed in each check below);
* every file the deployment references (build contexts, Dockerfiles, bind-mount sources, kustomize
  resources) exists relative to the file that references it;
* every --flag used in the Dockerfile, compose, Kubernetes and systemd files is a flag of `pivot serve`,
  every PIVOT_* variable maps to one (PIVOT_ + upper-case flag, '.' and '-' -> '_'), and every port
  given for Pivot equals the port of the flag's value (its default unless set).

With --print-exprs, prints each PromQL expression of the dashboards as one JSON object per line on
standard output: {"file", "panel", "refId", "expr", "promql"} where "promql" is "expr" with Grafana
variables replaced by concrete values (so a PromQL parser can read it); template-variable queries are
printed with refId "variable:<name>" and the selector inside label_values(...). Problems go to
standard error; the exit status is 1 when there is any (2 for bad usage).
"""
import argparse
import json
import os
import re
import subprocess
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    print("validate.py: PyYAML is required (apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(2)

MIN_SCHEMA_VERSION = 39
DATASOURCE_UIDS = {"pivot-prometheus": "prometheus", "pivot-tempo": "tempo", "pivot-jaeger": "jaeger"}
# Flags whose value is an address whose port clients use.
LISTEN_FLAGS = {"web": "web.listen-address", "otlp-grpc": "otlp.grpc-listen-address",
                "otlp-http": "otlp.http-listen-address"}
# Grafana variables a query may use without defining them, with a value a PromQL parser accepts.
BUILTIN_VARS = {"__rate_interval": "1m", "__interval": "15s", "__interval_ms": "15000", "__range": "1h",
                "__range_s": "3600", "__range_ms": "3600000", "__tags": ""}


class Validator:
    def __init__(self, repo, binary, allow_missing):
        self.repo = os.path.abspath(repo)
        self.binary = binary
        self.allow_missing = [os.path.normpath(p) for p in allow_missing]
        self.problems = []
        self.warnings = []
        self.checked = 0
        self.flags = {}          # name -> default ('' when none)
        self.docs = {}           # relative path -> list of parsed documents
        self.exprs = []

    # ---- reporting -------------------------------------------------------------------------------
    def problem(self, where, message):
        self.problems.append(f"{where}: {message}")

    def expect(self, condition, where, message):
        if not condition:
            self.problem(where, message)
        return bool(condition)

    def rel(self, path):
        return os.path.relpath(path, self.repo)

    # ---- flags -----------------------------------------------------------------------------------
    def load_flags(self):
        try:
            out = subprocess.run([self.binary, "serve", "--help"], capture_output=True, text=True, timeout=60)
        except OSError as error:
            self.problem(self.binary, f"cannot run: {error}")
            return
        text = out.stdout + out.stderr
        # Each option starts a block "  --name <value>  help…"; help (and its "(default: …)") may wrap.
        blocks = re.split(r"\n(?=\s{1,4}(?:-\w,\s*)?--[a-z0-9])", text)
        for block in blocks:
            m = re.match(r"^\s*(?:-\w,\s*)?--([a-z0-9][a-z0-9.\-]*)\b", block)
            if not m:
                continue
            flat = re.sub(r"\s+", " ", block)
            d = re.search(r"\(default: ([^)]*)\)", flat)
            self.flags[m.group(1)] = d.group(1).strip() if d else ""
        self.flags.pop("help", None)
        if not self.flags:
            self.problem(self.binary, "`serve --help` listed no flags")
        for flag in LISTEN_FLAGS.values():
            self.expect(flag in self.flags, self.binary, f"`serve --help` does not list --{flag}")

    @staticmethod
    def env_name(flag):
        return "PIVOT_" + re.sub(r"[.\-]", "_", flag).upper()

    def flag_for_env(self, name):
        for flag in self.flags:
            if self.env_name(flag) == name:
                return flag
        return None

    def check_flag_args(self, where, words):
        """Every --flag[=value] among `words` must be a flag of `pivot serve`; returns {flag: value}."""
        values = {}
        words = list(words)
        for i, word in enumerate(words):
            for m in re.finditer(r"(?:^|\s|[\"'\[,])--([a-z0-9][a-z0-9.\-]*)(?:=([^\s\"',\]]*))?", word):
                flag, value = m.group(1), m.group(2)
                if self.expect(flag in self.flags, where, f"--{flag} is not a flag of `pivot serve`"):
                    if value is None and i + 1 < len(words) and not words[i + 1].startswith("--"):
                        value = words[i + 1]
                    values[flag] = value
        return values

    def check_env(self, where, names):
        values = {}
        for name, value in names:
            if not name.startswith("PIVOT_"):
                continue
            flag = self.flag_for_env(name)
            if self.expect(flag, where, f"{name} maps to no flag of `pivot serve` "
                                        f"(PIVOT_ + upper-case flag, '.' and '-' -> '_')"):
                values[flag] = "" if value is None else str(value)
        return values

    def port_of(self, flag, overrides):
        value = overrides.get(flag, self.flags.get(flag, ""))
        m = re.search(r":(\d+)$", value or "")
        return int(m.group(1)) if m else None

    # ---- files -----------------------------------------------------------------------------------
    def path_exists(self, where, path, kind="file"):
        full = os.path.normpath(path)
        rel = self.rel(full)
        exists = os.path.isdir(full) if kind == "directory" else os.path.exists(full)
        if exists:
            return True
        if any(rel == p or rel.startswith(p + os.sep) for p in self.allow_missing):
            self.warnings.append(f"{where}: {kind} {rel} does not exist yet (allowed by --allow-missing)")
            return False
        self.problem(where, f"{kind} {rel} does not exist")
        return False

    def parse_all(self):
        for top in ("deploy", "dashboards"):
            base = os.path.join(self.repo, top)
            if not os.path.isdir(base):
                self.problem(top, "directory missing")
                continue
            for root, _, files in os.walk(base):
                for name in sorted(files):
                    if not name.endswith((".yaml", ".yml", ".json")):
                        continue
                    path = os.path.join(root, name)
                    rel = self.rel(path)
                    try:
                        with open(path, encoding="utf-8") as f:
                            text = f.read()
                        if name.endswith((".yaml", ".yml")):
                            self.docs[rel] = [d for d in yaml.safe_load_all(text) if d is not None]
                            self.checked += 1
                        elif name.endswith(".json"):
                            self.docs[rel] = [json.loads(text)]
                            self.checked += 1
                    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as error:
                        self.problem(rel, f"does not parse: {error}")

    def doc(self, rel, required=True):
        if rel not in self.docs:
            if required and not any(p.startswith(rel) for p in self.problems):
                self.problem(rel, "missing")
            return None
        docs = self.docs[rel]
        return docs[0] if docs else {}

    # ---- Grafana data sources --------------------------------------------------------------------
    def check_datasources(self):
        where = "deploy/grafana/provisioning/datasources/pivot.yaml"
        d = self.doc(where)
        self.datasources = {}
        if not isinstance(d, dict):
            return
        self.expect(d.get("apiVersion") == 1, where, "apiVersion must be 1")
        web_port = self.port_of(LISTEN_FLAGS["web"], {})
        for ds in d.get("datasources") or []:
            name = ds.get("name", "?")
            w = f"{where} ({name})"
            for key in ("name", "type", "uid", "url"):
                self.expect(ds.get(key), w, f"'{key}' missing")
            uid, kind, url = ds.get("uid"), ds.get("type"), str(ds.get("url", ""))
            self.datasources[uid] = kind
            m = re.match(r"^https?://[^/:]+:(\d+)(/.*)?$", url)
            if self.expect(m, w, f"url {url!r} must be http://host:port[/path]"):
                self.expect(int(m.group(1)) == web_port, w,
                            f"url port {m.group(1)} differs from --web.listen-address's port {web_port}")
            jd = ds.get("jsonData") or {}
            if kind == "prometheus":
                self.expect(jd.get("httpMethod") == "POST", w, "jsonData.httpMethod must be POST")
                dests = jd.get("exemplarTraceIdDestinations") or []
                names = {x.get("name") for x in dests}
                for label in ("trace_id", "traceID"):
                    self.expect(label in names, w, f"exemplarTraceIdDestinations has no entry for {label!r}")
                for x in dests:
                    self.expect(x.get("datasourceUid") or x.get("url"), w,
                                f"exemplar destination {x.get('name')!r} needs datasourceUid or url")
            elif kind == "tempo":
                se = jd.get("streamingEnabled") or {}
                self.expect(se.get("search") is False and se.get("metrics") is False, w,
                            "jsonData.streamingEnabled must be {search: false, metrics: false} "
                            "(Pivot has no Tempo streaming gRPC API)")
            elif kind == "jaeger":
                self.expect(url.rstrip("/").endswith("/jaeger"), w, "Jaeger url must end in /jaeger")
        # Grafana runs os.ExpandEnv over every provisioned string: "${__value.raw}" or "$__tags" would
        # silently become "" unless written "$${__value.raw}" / "$$__tags".
        for text in self.strings_in(d):
            for part in text.split("$$"):
                for m in re.finditer(r"\$\{?__\w+", part):
                    self.problem(where, f"{m.group(0)!r} in {text!r} is expanded from the environment by Grafana; "
                                        f"write $$ for a literal $")
        for uid, kind in DATASOURCE_UIDS.items():
            self.expect(self.datasources.get(uid) == kind, where, f"no {kind} data source with uid {uid!r}")
        # Links between data sources must point at provisioned uids.
        for ds in d.get("datasources") or []:
            jd = ds.get("jsonData") or {}
            refs = [x.get("datasourceUid") for x in jd.get("exemplarTraceIdDestinations") or []]
            for key in ("tracesToMetrics", "serviceMap", "tracesToLogsV2"):
                if isinstance(jd.get(key), dict):
                    refs.append(jd[key].get("datasourceUid"))
            for ref in refs:
                if ref is not None:
                    self.expect(ref in self.datasources, f"{where} ({ds.get('name')})",
                                f"datasourceUid {ref!r} is not provisioned")

    @classmethod
    def strings_in(cls, value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from cls.strings_in(v)
        elif isinstance(value, list):
            for v in value:
                yield from cls.strings_in(v)

    def check_dashboard_provider(self):
        where = "deploy/grafana/provisioning/dashboards/pivot.yaml"
        d = self.doc(where)
        self.dashboard_paths = []
        if not isinstance(d, dict):
            return
        self.expect(d.get("apiVersion") == 1, where, "apiVersion must be 1")
        providers = d.get("providers") or []
        self.expect(providers, where, "no providers")
        for p in providers:
            self.expect(p.get("type") == "file", where, "provider type must be file")
            path = (p.get("options") or {}).get("path")
            if self.expect(path, where, "provider options.path missing"):
                self.dashboard_paths.append(path)

    # ---- dashboards ------------------------------------------------------------------------------
    def registered_metric_names(self):
        names = set()
        src = os.path.join(self.repo, "Sources")
        for root, _, files in os.walk(src):
            for name in files:
                if name.endswith(".swift"):
                    with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                        names.update(re.findall(r'"(pivot_[a-z0-9_]+)"', f.read()))
        return names

    def check_dashboards(self):
        registered = self.registered_metric_names()
        files = sorted(r for r in self.docs if r.startswith("dashboards" + os.sep) and r.endswith(".json"))
        self.expect(files, "dashboards", "no dashboard JSON files")
        for required in ("dashboards/pivot-service-red.json", "dashboards/pivot-gateway.json"):
            self.expect(required in files, required, "missing")
        uids = set()
        for rel in files:
            d = self.doc(rel)
            if not isinstance(d, dict):
                self.problem(rel, "not a JSON object")
                continue
            for key in ("uid", "title", "panels", "schemaVersion", "templating"):
                self.expect(key in d, rel, f"'{key}' missing")
            self.expect(isinstance(d.get("schemaVersion"), int) and d["schemaVersion"] >= MIN_SCHEMA_VERSION,
                        rel, f"schemaVersion must be >= {MIN_SCHEMA_VERSION}")
            self.expect(d.get("uid") not in uids, rel, f"dashboard uid {d.get('uid')!r} used twice")
            uids.add(d.get("uid"))
            variables = {}
            for v in (d.get("templating") or {}).get("list") or []:
                variables[v.get("name")] = v
                self.check_ds_ref(rel, f"variable {v.get('name')}", v.get("datasource"))
                q = v.get("query")
                qtext = q.get("query") if isinstance(q, dict) else q
                if v.get("type") == "query" and isinstance(qtext, str):
                    m = re.match(r"^\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$", qtext)
                    if self.expect(m, rel, f"variable {v.get('name')}: query {qtext!r} is not label_values(selector, label)"):
                        self.add_expr(rel, f"variable {v.get('name')}", f"variable:{v.get('name')}", m.group(1),
                                      variables, registered)
            ids = set()
            panels = list(self.walk_panels(d.get("panels") or []))
            for p in panels:
                title = p.get("title", "?")
                w = f"{rel} panel {title!r}"
                self.expect(p.get("id") not in ids, w, f"panel id {p.get('id')} used twice")
                ids.add(p.get("id"))
                gp = p.get("gridPos") or {}
                self.expect(all(k in gp for k in ("h", "w", "x", "y")) and gp.get("x", 0) + gp.get("w", 0) <= 24,
                            w, "gridPos needs h, w, x, y within 24 columns")
                if p.get("type") == "row":
                    continue
                self.check_ds_ref(w, "panel", p.get("datasource"))
                targets = p.get("targets") or []
                self.expect(targets, w, "no targets")
                refs = set()
                for t in targets:
                    self.expect(t.get("refId") and t.get("refId") not in refs, w, "targets need unique refIds")
                    refs.add(t.get("refId"))
                    ds = t.get("datasource") or p.get("datasource")
                    kind = self.check_ds_ref(w, f"target {t.get('refId')}", ds)
                    if kind == "prometheus":
                        if self.expect(isinstance(t.get("expr"), str) and t["expr"].strip(), w,
                                       f"target {t.get('refId')} has no expr"):
                            self.add_expr(rel, title, t.get("refId"), t["expr"], variables, registered)
                    elif kind == "tempo":
                        self.expect(t.get("queryType") in ("traceql", "traceqlSearch", "nativeSearch", "serviceMap"),
                                    w, "Tempo target needs a queryType")
                        for name in self.variables_in(t.get("query") or ""):
                            self.expect(name in variables or name in BUILTIN_VARS, w,
                                        f"variable ${name} is not defined")
            if rel.endswith("pivot-service-red.json"):
                self.check_service_dashboard(rel, panels, variables)

    def walk_panels(self, panels):
        for p in panels:
            yield p
            yield from self.walk_panels(p.get("panels") or [])

    def check_ds_ref(self, where, what, ds):
        if not isinstance(ds, dict):
            self.problem(where, f"{what}: data source must be referenced as {{type, uid}}")
            return None
        uid, kind = ds.get("uid"), ds.get("type")
        if not self.expect(uid in self.datasources, where, f"{what}: data source uid {uid!r} is not provisioned"):
            return None
        self.expect(kind == self.datasources[uid], where,
                    f"{what}: data source {uid!r} has type {self.datasources[uid]!r}, not {kind!r}")
        return self.datasources[uid]

    @staticmethod
    def variables_in(text):
        return [a or b or c for a, b, c in re.findall(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]", text)]

    def add_expr(self, rel, panel, ref, expr, variables, registered):
        def replace(m):
            name = m.group(1) or m.group(2) or m.group(3)
            if name in BUILTIN_VARS:
                return BUILTIN_VARS[name]
            if name in variables:
                return ".*"
            self.problem(f"{rel} {panel!r}", f"variable ${name} is not defined")
            return ".*"
        promql = re.sub(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]", replace, expr)
        for metric in set(re.findall(r"\b(pivot_[a-z0-9_]+)", promql)):
            base = re.sub(r"_(bucket|sum|count)$", "", metric)
            self.expect(metric in registered or base in registered, f"{rel} {panel!r}",
                        f"metric {metric} is not registered anywhere in Sources/")
        self.expect(promql.count("(") == promql.count(")"), f"{rel} {panel!r}", f"unbalanced parentheses: {expr}")
        self.exprs.append({"file": rel, "panel": panel, "refId": ref, "expr": expr, "promql": promql})

    def check_service_dashboard(self, rel, panels, variables):
        for name in ("service", "instance"):
            v = variables.get(name)
            q = v and v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            self.expect(isinstance(q, str) and q.strip().startswith("label_values("), rel,
                        f"template variable ${name} fed by label_values(...) missing")
        exprs = [t.get("expr", "") for p in panels for t in p.get("targets") or []]
        for needle in ("http_server_request_duration_seconds_bucket", "http_server_request_duration_seconds_count"):
            self.expect(any(needle in e for e in exprs), rel, f"no query uses {needle}")
        for q in ("0.5", "0.9", "0.99"):
            self.expect(any(re.search(rf"histogram_quantile\(\s*{re.escape(q)}\s*,", e) for e in exprs), rel,
                        f"no histogram_quantile({q}, ...)")
        latency = [p for p in panels if any("histogram_quantile" in t.get("expr", "") for t in p.get("targets") or [])
                   and p.get("type") == "timeseries"]
        self.expect(any(t.get("exemplar") for p in latency for t in p.get("targets") or []), rel,
                    "no latency panel has exemplars turned on")
        self.expect(any(self.datasources.get((t.get("datasource") or p.get("datasource") or {}).get("uid")) == "tempo"
                        for p in panels for t in p.get("targets") or []), rel, "no trace-search (Tempo) panel")

    # ---- OpenTelemetry Collector -----------------------------------------------------------------
    def check_collector(self):
        where = "deploy/otel-collector/config.yaml"
        d = self.doc(where)
        if not isinstance(d, dict):
            return
        grpc_port = self.port_of(LISTEN_FLAGS["otlp-grpc"], {})
        http_port = self.port_of(LISTEN_FLAGS["otlp-http"], {})
        web_port = self.port_of(LISTEN_FLAGS["web"], {})
        protocols = (((d.get("receivers") or {}).get("otlp") or {}).get("protocols") or {})
        for proto, port in (("grpc", grpc_port), ("http", http_port)):
            endpoint = str((protocols.get(proto) or {}).get("endpoint", ""))
            self.expect(endpoint.endswith(f":{port}"), where, f"receivers.otlp.protocols.{proto}.endpoint must end :{port}")
        exporters = d.get("exporters") or {}
        otlp = exporters.get("otlp") or {}
        self.expect(str(otlp.get("endpoint", "")) == f"pivot:{grpc_port}", where,
                    f"exporters.otlp.endpoint must be pivot:{grpc_port}")
        self.expect((otlp.get("tls") or {}).get("insecure") is True, where, "exporters.otlp.tls.insecure must be true")
        self.expect("batch" in (d.get("processors") or {}), where, "a batch processor is required")
        service = d.get("service") or {}
        pipelines = service.get("pipelines") or {}
        for signal in ("metrics", "traces"):
            pl = pipelines.get(signal)
            if not self.expect(pl, where, f"no {signal} pipeline"):
                continue
            self.expect("otlp" in (pl.get("exporters") or []), where, f"{signal} pipeline does not export to otlp")
            self.expect("batch" in (pl.get("processors") or []), where, f"{signal} pipeline lacks the batch processor")
            for section in ("receivers", "processors", "exporters"):
                for name in pl.get(section) or []:
                    self.expect(name in (d.get(section) or {}), where, f"{signal} pipeline uses undefined {section[:-1]} {name!r}")
        for ext in service.get("extensions") or []:
            self.expect(ext in (d.get("extensions") or {}), where, f"undefined extension {ext!r}")
        with open(os.path.join(self.repo, where), encoding="utf-8") as f:
            text = f.read()
        self.expect(re.search(rf"#\s*otlphttp:\s*\n\s*#\s*endpoint:\s*http://pivot:{http_port}\b", text), where,
                    f"the commented otlphttp alternative (endpoint http://pivot:{http_port}) is missing")
        self.expect(re.search(rf"#\s*prometheusremotewrite:\s*\n\s*#\s*endpoint:\s*http://pivot:{web_port}/api/v1/write",
                              text), where,
                    f"the commented prometheusremotewrite alternative (http://pivot:{web_port}/api/v1/write) is missing")

    # ---- Prometheus ------------------------------------------------------------------------------
    def check_prometheus(self):
        where = "deploy/prometheus/prometheus.yml"
        d = self.doc(where)
        if not isinstance(d, dict):
            return
        web_port = self.port_of(LISTEN_FLAGS["web"], {})
        jobs = {s.get("job_name"): s for s in d.get("scrape_configs") or []}
        for job in ("prometheus", "node"):
            self.expect(job in jobs, where, f"no scrape job {job!r}")
        rws = d.get("remote_write") or []
        url = f"http://pivot:{web_port}/api/v1/write"
        rw = next((r for r in rws if r.get("url") == url), None)
        if self.expect(rw, where, f"no remote_write to {url}"):
            self.expect(rw.get("send_exemplars") is True, where, "remote_write.send_exemplars must be true")
            self.expect((rw.get("metadata_config") or {}).get("send") is True, where,
                        "remote_write.metadata_config.send must be true")

    # ---- docker-compose --------------------------------------------------------------------------
    def check_compose(self):
        where = "deploy/docker-compose.yml"
        d = self.doc(where)
        if not isinstance(d, dict):
            return
        base = os.path.join(self.repo, "deploy")
        services = d.get("services") or {}
        for name in ("pivot", "grafana", "otel-collector", "demo"):
            self.expect(name in services, where, f"no service {name!r}")
        named_volumes = set((d.get("volumes") or {}).keys())
        for name, svc in services.items():
            w = f"{where} service {name}"
            build = svc.get("build")
            if build is not None:
                ctx = build if isinstance(build, str) else build.get("context", ".")
                dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
                ctx_path = os.path.join(base, ctx)
                if self.path_exists(w, ctx_path, "directory"):
                    self.path_exists(w, os.path.join(ctx_path, dockerfile), "file")
            else:
                self.expect(svc.get("image"), w, "needs image or build")
            for vol in svc.get("volumes") or []:
                source = vol.split(":")[0] if isinstance(vol, str) else vol.get("source", "")
                if source.startswith("."):
                    self.path_exists(w, os.path.join(base, source))
                elif not source.startswith("/"):        # absolute host paths are the host's business
                    self.expect(source in named_volumes, w, f"named volume {source!r} is not declared")
            for dep in (svc.get("depends_on") or []):
                self.expect(dep in services, w, f"depends_on unknown service {dep!r}")
        pivot = services.get("pivot") or {}
        command = pivot.get("command") or []
        command = command.split() if isinstance(command, str) else command
        values = self.check_flag_args(f"{where} service pivot command", command)
        env = pivot.get("environment") or {}
        pairs = env.items() if isinstance(env, dict) else [(e.split("=", 1) + [None])[:2] for e in env]
        values.update(self.check_env(f"{where} service pivot environment", pairs))
        allowed = {self.port_of(f, values) for f in LISTEN_FLAGS.values()}
        for port in pivot.get("ports") or []:
            container = int(str(port).split("/")[0].split(":")[-1])
            self.expect(container in allowed, f"{where} service pivot",
                        f"container port {container} is none of Pivot's listen ports {sorted(p for p in allowed if p)}")
        health = json.dumps(pivot.get("healthcheck") or {})
        self.expect(re.search(rf":{self.port_of(LISTEN_FLAGS['web'], values)}/-/(healthy|ready)", health),
                    f"{where} service pivot", "healthcheck must GET /-/healthy or /-/ready on the web port")
        # Grafana: provisioning mounted, dashboards mounted where the provider reads them.
        grafana = services.get("grafana") or {}
        mounts = {}
        for vol in grafana.get("volumes") or []:
            parts = vol.split(":") if isinstance(vol, str) else [vol.get("source"), vol.get("target")]
            if len(parts) >= 2:
                mounts[parts[1]] = parts[0]
        prov = mounts.get("/etc/grafana/provisioning")
        if self.expect(prov, f"{where} service grafana", "provisioning is not mounted at /etc/grafana/provisioning"):
            self.expect(os.path.normpath(os.path.join(base, prov)) ==
                        os.path.join(self.repo, "deploy", "grafana", "provisioning"),
                        f"{where} service grafana", "mounts a provisioning directory other than deploy/grafana/provisioning")
        for path in getattr(self, "dashboard_paths", []):
            source = mounts.get(path)
            if self.expect(source, f"{where} service grafana",
                           f"dashboard provider path {path} is not a mount target"):
                self.expect(os.path.normpath(os.path.join(base, source)) == os.path.join(self.repo, "dashboards"),
                            f"{where} service grafana", f"{path} must be mounted from the repository's dashboards/")
        # The collector's exporter must reach Pivot's gRPC port as configured here.
        grpc = self.port_of(LISTEN_FLAGS["otlp-grpc"], values)
        self.expect(grpc == self.port_of(LISTEN_FLAGS["otlp-grpc"], {}), where,
                    "pivot's OTLP/gRPC port differs from the default the collector config uses")

    # ---- Dockerfile ------------------------------------------------------------------------------
    def check_dockerfile(self):
        where = "deploy/Dockerfile"
        path = os.path.join(self.repo, where)
        if not self.path_exists(where, path):
            return
        self.checked += 1
        with open(path, encoding="utf-8") as f:
            text = f.read()
        joined = re.sub(r"\\\n", " ", text)
        lines = [l.strip() for l in joined.splitlines() if l.strip() and not l.strip().startswith("#")]
        stages, current = [], None
        for line in lines:
            word = line.split()[0].upper()
            if word == "FROM":
                current = {"from": line.split()[1], "lines": []}
                stages.append(current)
            elif current is not None:
                current["lines"].append(line)
        if not self.expect(len(stages) >= 2, where, "must be multi-stage (build, runtime)"):
            return
        build, runtime = stages[0], stages[-1]
        self.expect(build["from"].startswith("swift:"), where, "the build stage must use a swift:6.x image")
        build_text = " ".join(build["lines"])
        for pkg in ("libsnappy-dev", "libsqlite3-dev", "libprotobuf-c-dev", "pkg-config"):
            self.expect(pkg in build_text, where, f"build stage does not install {pkg}")
        self.expect(re.search(r"make build|swift build -c release --product pivot", build_text), where,
                    "build stage must run `make build` or `swift build -c release --product pivot`")
        self.expect(re.match(r"debian:[\w${}.-]*-slim", runtime["from"]) or "slim" in runtime["from"], where,
                    "runtime stage must be a debian slim image")
        rt = " ".join(runtime["lines"])
        for pkg in ("libsnappy1v5", "libsqlite3-0", "zlib1g", "ca-certificates"):
            self.expect(pkg in rt, where, f"runtime stage does not install {pkg}")
        user = [l.split()[1] for l in runtime["lines"] if l.upper().startswith("USER ")]
        self.expect(user and user[-1] not in ("root", "0"), where, "runtime stage must switch to a non-root USER")
        self.expect(any(re.match(r'VOLUME\s+(\[\s*"/data"\s*\]|/data)\s*$', l) for l in runtime["lines"]), where,
                    "VOLUME /data missing")
        exposed = set()
        for l in runtime["lines"]:
            if l.upper().startswith("EXPOSE "):
                exposed.update(int(p.split("/")[0]) for p in l.split()[1:])
        defaults = {self.port_of(f, {}) for f in LISTEN_FLAGS.values()} - {None}
        self.expect(exposed == defaults, where, f"EXPOSE {sorted(exposed)} differs from the flag defaults' ports {sorted(defaults)}")
        health = [l for l in runtime["lines"] if l.upper().startswith("HEALTHCHECK")]
        if self.expect(health, where, "HEALTHCHECK missing"):
            h = health[-1]
            tool = "curl" if "curl" in h else "wget" if "wget" in h else None
            self.expect(tool, where, "HEALTHCHECK must use curl or wget")
            self.expect(f":{self.port_of(LISTEN_FLAGS['web'], {})}/-/healthy" in h, where,
                        "HEALTHCHECK must GET /-/healthy on the web port")
            if tool:
                self.expect(re.search(rf"apt-get install[^&;]*\b{tool}\b", rt), where,
                            f"HEALTHCHECK uses {tool} but the runtime stage does not install it")
        entry = [l for l in runtime["lines"] if l.upper().startswith("ENTRYPOINT")]
        if self.expect(entry, where, "ENTRYPOINT missing"):
            e = entry[-1]
            self.expect(re.search(r'pivot"?\s*,?\s*"?serve\b', e), where, "ENTRYPOINT must run `pivot serve`")
            flags = self.check_flag_args(where, [e])
            self.expect(flags.get("storage.path") == "/data", where, "ENTRYPOINT must pass --storage.path=/data")
        for l in lines:
            if l.upper().startswith(("CMD", "ENTRYPOINT")) and "pivot" in l:
                self.check_flag_args(where, [l])

    # ---- Kubernetes ------------------------------------------------------------------------------
    def check_kubernetes(self):
        kdir = os.path.join("deploy", "kubernetes")
        objects = []
        for rel, docs in self.docs.items():
            if rel.startswith(kdir + os.sep):
                for doc in docs:
                    if isinstance(doc, dict):
                        objects.append((rel, doc))
        kust = [(r, o) for r, o in objects if o.get("kind") == "Kustomization"]
        for rel, k in kust:
            for res in k.get("resources") or []:
                self.path_exists(rel, os.path.join(self.repo, os.path.dirname(rel), res))
        for rel, o in objects:
            if o.get("kind") != "Kustomization":
                for key in ("apiVersion", "kind", "metadata"):
                    self.expect(key in o, rel, f"'{key}' missing")
        by_kind = {}
        for rel, o in objects:
            by_kind.setdefault(o.get("kind"), []).append((rel, o))
        configmaps = {o["metadata"]["name"]: (rel, o) for rel, o in by_kind.get("ConfigMap", [])}
        overrides = {}
        for rel, cm in configmaps.values():
            overrides.update(self.check_env(f"{rel} ConfigMap {cm['metadata']['name']}", (cm.get("data") or {}).items()))
        sts_list = by_kind.get("StatefulSet", [])
        if not self.expect(sts_list, kdir, "no StatefulSet"):
            return
        rel, sts = sts_list[0]
        spec = sts.get("spec") or {}
        w = f"{rel} StatefulSet {sts['metadata'].get('name')}"
        claims = {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates") or []}
        self.expect(claims, w, "volumeClaimTemplates missing")
        pod = (spec.get("template") or {}).get("spec") or {}
        pod_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        self.expect(selector and all(pod_labels.get(k) == v for k, v in selector.items()), w,
                    "selector.matchLabels must match the pod template's labels")
        services = {o["metadata"]["name"] for _, o in by_kind.get("Service", [])}
        self.expect(spec.get("serviceName") in services, w, f"serviceName {spec.get('serviceName')!r} is no Service here")
        pod_volumes = {v.get("name") for v in pod.get("volumes") or []} | claims
        containers = pod.get("containers") or []
        pivot = next((c for c in containers if c.get("name") == "pivot"), containers[0] if containers else None)
        if not self.expect(pivot, w, "no container"):
            return
        values = dict(overrides)
        for ef in pivot.get("envFrom") or []:
            ref = (ef.get("configMapRef") or {}).get("name")
            if ref:
                self.expect(ref in configmaps, w, f"envFrom configMapRef {ref!r} is no ConfigMap here")
        values.update(self.check_env(w + " env", [(e.get("name"), e.get("value")) for e in pivot.get("env") or []]))
        values.update(self.check_flag_args(w + " args", (pivot.get("command") or []) + (pivot.get("args") or [])))
        ports = {p.get("name"): p.get("containerPort") for p in pivot.get("ports") or []}
        expected = {self.port_of(f, values) for f in LISTEN_FLAGS.values()}
        self.expect(set(ports.values()) == expected, w,
                    f"containerPorts {sorted(ports.values())} differ from the listen ports {sorted(expected)}")
        for probe, path in (("readinessProbe", "/-/ready"), ("livenessProbe", "/-/healthy")):
            get = ((pivot.get(probe) or {}).get("httpGet") or {})
            if self.expect(get.get("path") == path, w, f"{probe} must GET {path}"):
                port = get.get("port")
                port = ports.get(port) if isinstance(port, str) else port
                self.expect(port == self.port_of(LISTEN_FLAGS["web"], values), w, f"{probe} must use the web port")
        res = pivot.get("resources") or {}
        self.expect(res.get("requests") and res.get("limits"), w, "resources.requests and resources.limits required")
        mounts = {m.get("name"): m.get("mountPath") for m in pivot.get("volumeMounts") or []}
        for name in mounts:
            self.expect(name in pod_volumes, w, f"volumeMount {name!r} has no volume or claim")
        self.expect(any(mounts.get(c) == "/data" for c in claims), w,
                    "a volumeClaimTemplate must be mounted at /data (the image's --storage.path)")
        for srel, svc in by_kind.get("Service", []):
            sw = f"{srel} Service {svc['metadata'].get('name')}"
            sel = (svc.get("spec") or {}).get("selector") or {}
            self.expect(sel and all(pod_labels.get(k) == v for k, v in sel.items()), sw, "selector does not match the pods")
            for p in (svc.get("spec") or {}).get("ports") or []:
                target = p.get("targetPort", p.get("port"))
                resolved = ports.get(target) if isinstance(target, str) else target
                self.expect(resolved in expected, sw, f"port {p.get('name')!r} targets {target!r}, no Pivot port")
        if not any(s for _, s in by_kind.get("Service", []) if (s.get("spec") or {}).get("clusterIP") != "None"):
            self.problem(kdir, "no client Service")
        else:
            client = next(s for _, s in by_kind.get("Service", []) if (s.get("spec") or {}).get("clusterIP") != "None")
            got = {p.get("port") for p in client["spec"].get("ports") or []}
            self.expect(got == expected, kdir, f"Service ports {sorted(got)} differ from {sorted(expected)}")

    # ---- systemd ---------------------------------------------------------------------------------
    def check_systemd(self):
        where = "deploy/systemd/pivot.service"
        path = os.path.join(self.repo, where)
        if not self.path_exists(where, path):
            return
        self.checked += 1
        section, keys = None, {}
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                line = raw.strip()
                if not line or line.startswith(("#", ";")):
                    continue
                m = re.match(r"^\[(\w+)\]$", line)
                if m:
                    section = m.group(1)
                    continue
                if not self.expect("=" in line and section, where, f"line {n} is neither a section nor key=value"):
                    continue
                k, v = line.split("=", 1)
                keys.setdefault((section, k.strip()), []).append(v.strip())

        def get(sec, key):
            return (keys.get((sec, key)) or [None])[-1]
        self.expect(get("Service", "User") == "pivot", where, "User=pivot required")
        self.expect(get("Service", "StateDirectory"), where, "StateDirectory= required")
        self.expect(get("Service", "Restart") == "on-failure", where, "Restart=on-failure required")
        exec_start = get("Service", "ExecStart") or ""
        self.expect(re.search(r"\bpivot serve\b", exec_start), where, "ExecStart must run `pivot serve`")
        flags = self.check_flag_args(where, exec_start.split())
        self.expect(flags.get("storage.path") == "/var/lib/pivot", where, "ExecStart must pass --storage.path=/var/lib/pivot")
        state = get("Service", "StateDirectory")
        if state:
            self.expect(f"/var/lib/{state.split()[0]}" == flags.get("storage.path"), where,
                        "StateDirectory must be the directory of --storage.path")
        stop = get("Service", "TimeoutStopSec") or ""
        m = re.match(r"^(\d+)\s*(s|sec|min|m)?$", stop)
        seconds = int(m.group(1)) * (60 if m and m.group(2) in ("min", "m") else 1) if m else 0
        self.expect(seconds >= 15, where, "TimeoutStopSec must be at least 15s (Pivot may take 10 s to stop)")
        for key in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
            self.expect(get("Service", key), where, f"hardening option {key}= missing")
        self.expect(get("Install", "WantedBy"), where, "[Install] WantedBy= missing")
        env_file = os.path.join(self.repo, "deploy", "systemd", "pivot.env")
        if os.path.exists(env_file):
            self.checked += 1
            pairs = []
            with open(env_file, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith("#") and "=" in line:
                        pairs.append(tuple(line.split("=", 1)))
            values = self.check_env("deploy/systemd/pivot.env", pairs)
            for flag, value in values.items():
                if flag in LISTEN_FLAGS.values():
                    self.expect(self.port_of(flag, values) == self.port_of(flag, {}), "deploy/systemd/pivot.env",
                                f"{self.env_name(flag)} port differs from the default")

    # ---- run -------------------------------------------------------------------------------------
    def run(self):
        self.load_flags()
        if not self.flags:
            return
        self.parse_all()
        self.check_datasources()
        self.check_dashboard_provider()
        self.check_dashboards()
        self.check_collector()
        self.check_prometheus()
        self.check_compose()
        self.check_dockerfile()
        self.check_kubernetes()
        self.check_systemd()


def main():
    parser = argparse.ArgumentParser(description="Validate Pivot's deploy/ and dashboards/ files.")
    parser.add_argument("binary", help="path to the pivot binary (runs `pivot serve --help`)")
    parser.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        help="repository root (default: the parent of this script's directory)")
    parser.add_argument("--allow-missing", action="append", default=[], metavar="PATH",
                        help="repository-relative path that may be missing (a warning, not a problem), e.g. demo")
    parser.add_argument("--print-exprs", action="store_true",
                        help="print each dashboard PromQL expression as a JSON object per line on stdout")
    args = parser.parse_args()
    v = Validator(args.repo, args.binary, args.allow_missing)
    v.run()
    if args.print_exprs:
        for e in v.exprs:
            print(json.dumps(e, sort_keys=True))
    report = sys.stderr if args.print_exprs else sys.stdout
    for w in v.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for p in v.problems:
        print(f"problem: {p}", file=sys.stderr)
    if v.problems:
        print(f"validate.py: {len(v.problems)} problem(s) in {v.checked} files", file=sys.stderr)
        return 1
    print(f"validate.py: OK — {v.checked} files, {len(v.flags)} flags known, {len(v.exprs)} PromQL expressions",
          file=report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
