#!/usr/bin/env bash
# Checks everything operators deploy (deploy/, config/, the man page, the
# Debian package) for real, on Debian 12, as root.
#
#   scripts/check-deploy.sh BUILD_DIR
#
# BUILD_DIR is a configured CMake build directory of this repository (e.g.
# `cmake -B build -G Ninja && cmake --build build`). The script builds the
# binary and the man page in it if needed, makes the .deb there with cpack,
# installs it with apt-get and removes it again at the end (unless it was
# installed before, or KEEP_INSTALLED=1). It installs the tools it needs
# (yamllint, dpkg-dev, groff-base, man-db, python3-yaml, logrotate, strace)
# when they are missing, and unpacks promtool from Debian's prometheus
# package into BUILD_DIR/check-deploy-tools (no server is installed). With
# node and npm, it also validates the Kubernetes manifests against the
# OpenAPI schemas (npm kubernetes-models, cached in BUILD_DIR/check-deploy-npm).
#
# It stops at the first failure with "check-deploy: FAIL: ..." and exit 1.
# What it checks is listed in docs/operations.md, "What CI checks".
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath -m "$1")
BIN=$BUILD/snapshot-sync
PY=/usr/bin/python3                    # Debian's python3 (python3-yaml); not a pyenv one
T0=$(date +%s)

fail() { echo "check-deploy: FAIL: $*" >&2; exit 1; }
step() { echo "== $* ($(( $(date +%s) - T0 )) s)"; }
ok() { echo "   ok: $*"; }
skip() { echo "   SKIP: $*"; }

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs the .deb and runs the job as other users)"
[ -f "$BUILD/CMakeCache.txt" ] || fail "$BUILD is not a CMake build directory: cmake -B $1 -G Ninja first"

WORK=$(mktemp -d /tmp/check-deploy.XXXXXX)
chmod 0755 "$WORK"
COLLECTOR_PID=""
HOLDER_PID=""
INSTALLED_HERE=0
cleanup() {
    local rc=$?
    [ -n "$HOLDER_PID" ] && kill "$HOLDER_PID" 2>/dev/null || true
    [ -n "$COLLECTOR_PID" ] && kill "$COLLECTOR_PID" 2>/dev/null || true
    if [ "$INSTALLED_HERE" = 1 ] && [ "${KEEP_INSTALLED:-0}" != 1 ]; then
        dpkg --purge snapshot-sync >/dev/null 2>&1 || echo "check-deploy: could not remove the package" >&2
    fi
    rm -rf "$WORK"
    if [ $rc -eq 0 ]; then echo "check-deploy: all checks passed in $(( $(date +%s) - T0 )) s"; fi
    exit $rc
}
trap cleanup EXIT

# A clean environment for every run of the binary: nothing from the caller's
# SNAPSHOT_SYNC_* / SEGMENT_* may leak into a check.
clean_env() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$WORK" "$@"; }

########################################################################
step "tools"
need=()
command -v yamllint >/dev/null || need+=(yamllint)
command -v dpkg-shlibdeps >/dev/null || need+=(dpkg-dev)
command -v groff >/dev/null || need+=(groff-base)
command -v man >/dev/null || need+=(man-db)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v logrotate >/dev/null || need+=(logrotate)
command -v setpriv >/dev/null || need+=(util-linux)
command -v strace >/dev/null || need+=(strace)
"$PY" -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
export DEBIAN_FRONTEND=noninteractive
if [ ${#need[@]} -gt 0 ]; then
    echo "   installing: ${need[*]}"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 "${need[@]}" >/dev/null
fi
apt-cache show --no-all-versions libc6 >/dev/null 2>&1 || apt-get update -qq
ok "yamllint, dpkg-dev, groff, man-db, systemd-analyze $(systemd-analyze --version | awk 'NR==1{print $2}'), logrotate, python3-yaml"

########################################################################
step "build ($BUILD)"
cmake --build "$BUILD" --target snapshot-sync snapshot_sync_man >"$WORK/build.log" 2>&1 \
    || { tail -20 "$WORK/build.log"; fail "cmake --build $BUILD failed"; }
[ -x "$BIN" ] || fail "no $BIN after the build"
[ -f "$BUILD/snapshot-sync.1.gz" ] || fail "no $BUILD/snapshot-sync.1.gz (cmake/Packaging.cmake)"
ok "$("$BIN" --version | head -1)"

# Demo data shared by the runs below (SQLite, world-readable).
clean_env "$BIN" demo-db "$WORK/demo.db" --accounts 300 --seed 7 --now 2026-01-01T00:00:00Z >/dev/null 2>&1 \
    || fail "demo-db failed"
chmod 0644 "$WORK/demo.db"

# A fake Segment collector on 127.0.0.1 (answers 200, counts messages; GET
# returns the count). Started once, stopped at exit.
cat >"$WORK/collector.py" <<'EOF'
import gzip, http.server, json, sys, threading
count = 0
lock = threading.Lock()
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        with lock:
            count += len(json.loads(body)["batch"])
        self.reply(b'{"success":true}')
    def do_GET(self):
        self.reply(str(count).encode())
    def reply(self, out):
        self.send_response(200)
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
"$PY" "$WORK/collector.py" "$WORK/collector.port" &
COLLECTOR_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/collector.port" ] && break; sleep 0.1; done
[ -s "$WORK/collector.port" ] || fail "the fake collector did not start"
COLLECTOR="http://127.0.0.1:$(cat "$WORK/collector.port")"
collected() { "$PY" -c 'import sys,urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' "$COLLECTOR"; }
# The secret used by every run below; it must never show up in any output.
WRITE_KEY="ck-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s\n' "$WRITE_KEY" >"$WORK/write-key"
chmod 0400 "$WORK/write-key"

########################################################################
step "config/snapshot-sync.toml"
CONFIG=$ROOT/config/snapshot-sync.toml
clean_env "$BIN" config --config "$CONFIG" >"$WORK/config.shipped" 2>"$WORK/config.err" \
    || { cat "$WORK/config.err"; fail "$CONFIG does not parse (snapshot-sync config --config)"; }
: >"$WORK/empty.toml"
clean_env "$BIN" config --config "$WORK/empty.toml" >"$WORK/config.defaults"
"$PY" - "$CONFIG" "$WORK" <<'EOF' || fail "the example config does not document the key table (above)"
import re, sys
config, work = sys.argv[1], sys.argv[2]
def values(path):
    out = {}
    for line in open(path):
        m = re.match(r"^([a-z_]+\.[a-z_]+) = (.*?)  \((.*)\)$", line.rstrip("\n"))
        if m:
            out[m.group(1)] = (m.group(2), m.group(3))
    return out
defaults = values(f"{work}/config.defaults")
assert len(defaults) >= 20, f"only {len(defaults)} keys in `snapshot-sync config`"
shipped = values(f"{work}/config.shipped")
# 1. shipped as is: nothing set, every value is the default.
set_in_file = [k for k, (_, origin) in shipped.items() if origin != "default"]
if set_in_file:
    sys.exit(f"keys set (not commented out) in the shipped file: {set_in_file}")
# 2. every key is documented as a commented-out "# key = value" in its section.
documented, section, uncommented = set(), "", []
for line in open(config):
    text = line.rstrip("\n")
    m = re.match(r"^(?:# )?\[([a-z_.]+)\]$", text)
    if m:
        section = m.group(1)
        uncommented.append(f"[{section}]")
        continue
    m = re.match(r"^# ([a-z_]+) = (.*)$", text)
    if m:
        key = f"{section}.{m.group(1)}"
        if section == "billing.prices":
            key = "billing.prices"
        documented.add(key)
        if key != "segment.write_key":      # can't be set together with write_key_file
            uncommented.append(f"{m.group(1)} = {m.group(2)}")
missing = sorted(set(defaults) - documented)
if missing:
    sys.exit(f"keys of the key table not documented in the config file: {missing}")
unknown = sorted(documented - set(defaults))
if unknown:
    sys.exit(f"documented keys the binary does not know: {unknown}")
open(f"{work}/uncommented.toml", "w").write("\n".join(uncommented) + "\n")
print(f"   ok: {len(defaults)} keys, each documented and commented out")
EOF
clean_env "$BIN" config --config "$WORK/uncommented.toml" >"$WORK/config.uncommented" 2>"$WORK/config.err" \
    || { cat "$WORK/config.err"; fail "the example config with every key uncommented does not parse"; }
"$PY" - "$WORK" <<'EOF' || fail "a default written in the example config differs from the built-in one"
import re, sys
work = sys.argv[1]
def values(path):
    return {m.group(1): m.group(2) for m in (re.match(r"^([a-z_]+\.[a-z_]+) = (.*?)  \(", l) for l in open(path)) if m}
d, u = values(f"{work}/config.defaults"), values(f"{work}/config.uncommented")
examples = {"segment.write_key_file", "database.password_file", "identity.anonymous_id", "segment.write_key"}
diff = [f"{k}: built-in '{d[k]}', file '{u.get(k)}'" for k in d if k not in examples and d[k] != u.get(k)]
if diff:
    sys.exit("\n".join(diff))
print("   ok: uncommented, every key parses and equals the built-in default")
EOF

########################################################################
step "man page (docs/snapshot-sync.1)"
MAN=$ROOT/docs/snapshot-sync.1
warnings=$(groff -man -Tutf8 -ww -z "$MAN" 2>&1) || fail "groff failed on $MAN"
[ -z "$warnings" ] || { echo "$warnings"; fail "groff -ww warns about $MAN"; }
MANWIDTH=80 man -l "$MAN" >"$WORK/man.txt" 2>&1 || fail "man -l $MAN failed"
head -1 "$WORK/man.txt" | grep -q 'SNAPSHOT-SYNC(1)' || fail "man -l $MAN does not render"
for sub in run validate demo-db config; do clean_env "$BIN" "$sub" --help; done >"$WORK/help.txt" 2>&1
clean_env "$BIN" --help >>"$WORK/help.txt" 2>&1
"$PY" - "$MAN" "$WORK/help.txt" "$ROOT/src/app/exit_status.hpp" <<'EOF' || fail "the man page is out of date (above)"
import re, sys
man_src, help_txt, exit_hpp = (open(p).read() for p in sys.argv[1:])
man = re.sub(r"\\f[BIRP]", "", man_src).replace("\\-", "-").replace("\\e", "\\")
flags = set(re.findall(r"(?m)^\s+(?:-\w,)?(--[a-z][a-z-]*)", help_txt))
# Each flag must be an item of OPTIONS (a macro line after .TP), not just a word somewhere.
options = man.split(".SH OPTIONS", 1)[1].split(".SH ", 1)[0]
items = " ".join(re.findall(r"(?m)^\.TP\n(\.[A-Z]+ .*)$", options))
missing = sorted(f for f in flags if not re.search(re.escape(f) + r"(?![a-z-])", items))
env = set(re.findall(r"(?m)^  ([A-Z][A-Z_]+) ", help_txt)) | {"JOB_COMPLETION_INDEX", "STATE_DIRECTORY"}
env_section = man.split(".SH ENVIRONMENT", 1)[1].split(".SH ", 1)[0]
missing += sorted(v for v in env if v not in env_section)
codes = {int(n): name for name, n in re.findall(r"(\w+) = (\d+),", exit_hpp)}
status_section = man.split('.SH "EXIT STATUS"', 1)[1].split(".SH ", 1)[0]
listed = {int(n) for n in re.findall(r"(?m)^\.B (\d+)$", status_section)}
if listed != set(codes):
    missing.append(f"exit statuses: man page {sorted(listed)}, exit_status.hpp {sorted(codes)}")
if missing:
    sys.exit("missing from the man page: " + ", ".join(missing))
print(f"   ok: renders without warnings; {len(flags)} flags, {len(env)} environment variables, exit statuses {sorted(codes)}")
EOF

########################################################################
step "systemd units (before installing: a copy that runs $BIN)"
UNITS=$ROOT/deploy/systemd
mkdir -p "$WORK/units"
sed "s#/usr/bin/snapshot-sync#$BIN#" "$UNITS/snapshot-sync.service" >"$WORK/units/snapshot-sync.service"
cp "$UNITS/snapshot-sync.timer" "$WORK/units/"
(cd "$WORK/units" && systemd-analyze verify --man=no ./snapshot-sync.service ./snapshot-sync.timer) \
    || fail "systemd-analyze verify failed on the units"
while read -r spec; do
    systemd-analyze calendar "$spec" >/dev/null || fail "OnCalendar=$spec is not a valid calendar spec"
    ok "OnCalendar=$spec ($(systemd-analyze calendar "$spec" | awk -F': ' '/Next elapse/{print $2}') next)"
done < <(sed -n 's/^OnCalendar=\(.\+\)$/\1/p' "$UNITS/snapshot-sync.timer")
security=$(systemd-analyze security --offline=true --threshold=20 "$WORK/units/snapshot-sync.service" 2>&1) \
    || { echo "$security" | tail -3; fail "systemd-analyze security: exposure above 2.0"; }
EXPOSURE=$(echo "$security" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]* [A-Z]*\).*/\1/p')
ok "systemd-analyze security --offline=true: exposure $EXPOSURE"
"$PY" - "$UNITS/snapshot-sync.service" "$UNITS/snapshot-sync.timer" <<'EOF' || fail "the units lack a required setting (above)"
import re, sys
service, timer = (open(p).read() for p in sys.argv[1:])
def settings(text):
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z]+)=(.*)$", line)
        if m:
            out.setdefault(m.group(1), []).append(m.group(2))
    return out
s, t = settings(service), settings(timer)
need = {"Type": "oneshot", "DynamicUser": "yes", "StateDirectory": "snapshot-sync", "ProtectSystem": "strict",
        "NoNewPrivileges": "yes", "PrivateTmp": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "",
        "ProtectHome": "yes"}
problems = [f"{k}={v}" for k, v in need.items() if v not in s.get(k, [])]
for k in ("RestrictAddressFamilies", "SystemCallFilter", "LoadCredential"):
    if k not in s:
        problems.append(f"{k}= missing")
env = dict(e.split("=", 1) for e in s.get("Environment", []))
if env.get("SEGMENT_WRITE_KEY_FILE", "").split("/")[0] != "%d":
    problems.append("Environment=SEGMENT_WRITE_KEY_FILE=%d/... (a LoadCredential= file)")
if "SEGMENT_WRITE_KEY" in env or "EnvironmentFile" in s:
    problems.append("a write key in the unit's environment")
if any("3" in v.split() for v in s.get("SuccessExitStatus", [])):
    problems.append("SuccessExitStatus= includes 3: a partial run must fail the unit")
tneed = {"Persistent": "true"}
problems += [f"timer {k}={v}" for k, v in tneed.items() if v not in t.get(k, [])]
for k in ("OnCalendar", "RandomizedDelaySec"):
    if k not in t:
        problems.append(f"timer {k}= missing")
if problems:
    sys.exit("units: " + "; ".join(problems))
print("   ok: oneshot, DynamicUser, StateDirectory, credentials, sandbox settings, exit 3 fails; timer Persistent + RandomizedDelaySec")
EOF

########################################################################
step "Kubernetes manifests (deploy/kubernetes)"
K8S=$ROOT/deploy/kubernetes
yamllint -s -d '{extends: default, rules: {line-length: {max: 120}}}' "$K8S"/*.yaml \
    || fail "yamllint failed on $K8S"
ok "yamllint -s"
"$PY" - "$WORK" "$K8S"/*.yaml <<'EOF' || fail "the Kubernetes manifests lack a required field (above)"
import json, re, sys, yaml
work, files = sys.argv[1], sys.argv[2:]
PEAK_RSS_MIB = 27          # the largest peak RSS measured (cronjob.yaml's comment)
problems, docs = [], []
for f in files:
    for d in yaml.safe_load_all(open(f)):
        if d:
            docs.append((f.rsplit("/", 1)[1], d))
json.dump([d for _, d in docs], open(f"{work}/k8s.json", "w"))

def mib(q):
    m = re.fullmatch(r"(\d+)(Mi|Gi|M|G)?", str(q))
    if not m:
        return None
    n = int(m.group(1))
    return {"Mi": n, "Gi": n * 1024, "M": n * 1e6 / 2**20, "G": n * 1e9 / 2**20, None: n / 2**20}[m.group(2)]

def bad(where, what):
    problems.append(f"{where}: {what}")

secrets = {d["metadata"]["name"]: d for _, d in docs if d.get("kind") == "Secret"}
configmaps = {d["metadata"]["name"]: d for _, d in docs if d.get("kind") == "ConfigMap"}
cronjobs = 0
for f, d in docs:
    where = f"{f} {d.get('kind')}/{d.get('metadata', {}).get('name')}"
    for k in ("apiVersion", "kind", "metadata"):
        if k not in d:
            bad(where, f"no {k}")
    if d.get("kind") == "Secret":
        for key, value in {**d.get("stringData", {}), **d.get("data", {})}.items():
            if "REPLACE" not in str(value):
                bad(where, f"{key} is not an obvious placeholder")
    if d.get("kind") == "ConfigMap":
        open(f"{work}/cm-{d['metadata']['name']}.toml", "w").write(d["data"]["snapshot-sync.toml"])
    if d.get("kind") != "CronJob":
        continue
    cronjobs += 1
    s = d["spec"]
    if s.get("concurrencyPolicy") != "Forbid":
        bad(where, "concurrencyPolicy is not Forbid")
    if not isinstance(s.get("startingDeadlineSeconds"), int) or s["startingDeadlineSeconds"] <= 0:
        bad(where, "no startingDeadlineSeconds")
    job = s["jobTemplate"]["spec"]
    for k in ("backoffLimit", "activeDeadlineSeconds"):
        if not isinstance(job.get(k), int):
            bad(where, f"no jobTemplate.spec.{k}")
    pod = job["template"]["spec"]
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        bad(where, "restartPolicy must be Never or OnFailure")
    if "podFailurePolicy" in job and pod.get("restartPolicy") != "Never":
        bad(where, "podFailurePolicy needs restartPolicy Never")
    psc = pod.get("securityContext", {})
    if pod.get("automountServiceAccountToken") is not False:
        bad(where, "automountServiceAccountToken should be false")
    mounts_by_volume = {}
    for c in pod["containers"]:
        cw = f"{where} container {c['name']}"
        csc = c.get("securityContext", {})
        if not (csc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True):
            bad(cw, "runAsNonRoot is not true")
        uid = csc.get("runAsUser", psc.get("runAsUser"))
        if not isinstance(uid, int) or uid == 0:
            bad(cw, "runAsUser is not a non-zero number")
        if csc.get("readOnlyRootFilesystem") is not True:
            bad(cw, "readOnlyRootFilesystem is not true")
        if csc.get("allowPrivilegeEscalation") is not False:
            bad(cw, "allowPrivilegeEscalation is not false")
        if "ALL" not in csc.get("capabilities", {}).get("drop", []):
            bad(cw, "capabilities.drop lacks ALL")
        if csc.get("seccompProfile", psc.get("seccompProfile", {})).get("type") != "RuntimeDefault":
            bad(cw, "seccompProfile is not RuntimeDefault")
        if str(c.get("image", "")).endswith(":latest") or ":" not in str(c.get("image", "")):
            bad(cw, "image without a fixed tag")
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in res.get(kind, {}):
                    bad(cw, f"no resources.{kind}.{r}")
        req, lim = mib(res.get("requests", {}).get("memory")), mib(res.get("limits", {}).get("memory"))
        if req is None or lim is None or req < PEAK_RSS_MIB or lim < req:
            bad(cw, f"memory request/limit must be >= the measured {PEAK_RSS_MIB} MiB and limit >= request")
        env = {e["name"]: e for e in c.get("env", [])}
        for e in c.get("env", []):
            if "valueFrom" in e and "secretKeyRef" in e["valueFrom"]:
                bad(cw, f"secret {e['name']} in an environment variable (mount it as a file)")
        for name in ("SEGMENT_WRITE_KEY", "SNAPSHOT_SYNC_DATABASE_PASSWORD"):
            if name in env:
                bad(cw, f"{name} set directly: use {name}_FILE")
        checkpoint = env.get("SNAPSHOT_SYNC_CHECKPOINT", {}).get("value", "")
        if not re.match(r"^(postgresql|postgres|mysql)://", checkpoint):
            bad(cw, "SNAPSHOT_SYNC_CHECKPOINT is not a postgresql:// or mysql:// URL")
        if re.match(r"^\w+://[^/@]*:[^/@]*@", checkpoint):
            bad(cw, "a password in SNAPSHOT_SYNC_CHECKPOINT")
        mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        secret_dirs = {}
        for vname, path in mounts.items():
            v = volumes.get(vname, {})
            if "secret" in v:
                secret_dirs[path] = secrets.get(v["secret"]["secretName"])
                if v["secret"]["secretName"] not in secrets:
                    bad(cw, f"secret {v['secret']['secretName']} is not in secret.example.yaml")
            if "configMap" in v and v["configMap"]["name"] not in configmaps:
                bad(cw, f"configMap {v['configMap']['name']} is not defined")
        for name in ("SEGMENT_WRITE_KEY_FILE", "SNAPSHOT_SYNC_DATABASE_PASSWORD_FILE"):
            path = env.get(name, {}).get("value", "")
            d_, _, key = path.rpartition("/")
            if d_ not in secret_dirs:
                bad(cw, f"{name}={path!r} is not a file of a mounted Secret")
            elif secret_dirs[d_] is not None and key not in secret_dirs[d_].get("stringData", {}):
                bad(cw, f"{name}: the Secret has no key {key!r}")
        args = c.get("args", [])
        if not args or args[0] != "run":
            bad(cw, "args do not start with run")
        if job.get("completionMode") == "Indexed":
            n = args[args.index("--shards") + 1] if "--shards" in args else None
            if not (n is not None and str(job.get("completions")) == str(job.get("parallelism")) == str(n)):
                bad(cw, f"completions {job.get('completions')}, parallelism {job.get('parallelism')} and --shards {n} differ")
        elif "--shards" in args:
            bad(cw, "--shards without completionMode: Indexed")
if cronjobs < 2 or not any(d["spec"]["jobTemplate"]["spec"].get("completionMode") == "Indexed"
                           for _, d in docs if d.get("kind") == "CronJob"):
    problems.append("expected cronjob.yaml and an Indexed variant in indexed-job.yaml")
if problems:
    sys.exit("\n".join(problems))
print(f"   ok: {len(docs)} objects; Forbid, deadlines, backoff, securityContext, secrets as files, "
      f"database checkpoint, shards, resources >= {PEAK_RSS_MIB} MiB")
EOF
for toml in "$WORK"/cm-*.toml; do
    clean_env "$BIN" config --config "$toml" >/dev/null 2>"$WORK/cm.err" \
        || { cat "$WORK/cm.err"; fail "the ConfigMap's snapshot-sync.toml ($(basename "$toml")) does not parse"; }
done
ok "the ConfigMaps' config files parse with the binary"
# Schema validation against the Kubernetes OpenAPI schemas, when npm can
# install kubernetes-models (there is no schema validator in Debian, and
# `kubectl create --dry-run=client` needs an API server).
NPM_DIR=$BUILD/check-deploy-npm
if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -d "$NPM_DIR/node_modules/kubernetes-models" ]; then
        mkdir -p "$NPM_DIR"
        timeout 180 npm install --prefix "$NPM_DIR" --no-audit --no-fund --silent --no-package-lock \
            kubernetes-models@5.1.0 >"$WORK/npm.log" 2>&1 || true
    fi
    if [ -d "$NPM_DIR/node_modules/kubernetes-models" ]; then
        cat >"$NPM_DIR/validate.mjs" <<'EOF'
import fs from "node:fs";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Secret } from "kubernetes-models/v1";
const models = { CronJob, Job, ConfigMap, Secret };
let failed = 0;
for (const doc of JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) {
  const Model = models[doc.kind];
  const name = `${doc.kind}/${doc.metadata?.name}`;
  if (!Model) { console.log(`   no schema for ${name}`); failed++; continue; }
  try { new Model(doc).validate(); } catch (e) { console.log(`   ${name}: ${e.message}`); failed++; }
}
process.exit(failed ? 1 : 0);
EOF
        node "$NPM_DIR/validate.mjs" "$WORK/k8s.json" || fail "the manifests do not match the Kubernetes schemas"
        ok "valid against the Kubernetes OpenAPI schemas (kubernetes-models 5.1.0)"
    else
        skip "schema validation: npm could not install kubernetes-models (offline?); field checks above still ran"
    fi
else
    skip "schema validation: no node/npm; field checks above still ran"
fi

########################################################################
step "Dockerfile (structural: no Docker engine here, it cannot be built in CI)"
"$PY" - "$ROOT/deploy/docker/Dockerfile" "$BIN" <<'EOF' || fail "the Dockerfile check failed (above)"
import re, subprocess, sys
dockerfile, binary = sys.argv[1], sys.argv[2]
text = re.sub(r"\\\n", " ", open(dockerfile).read())
lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
args = {m.group(1): m.group(2) for m in (re.match(r"^ARG (\w+)=(\S+)", l) for l in lines) if m}
stages, current = [], None
for l in lines:
    m = re.match(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", l, re.I)
    if m:
        image = re.sub(r"\$\{(\w+)\}", lambda x: args.get(x.group(1), x.group(0)), m.group(1))
        current = {"image": image, "name": m.group(2), "lines": []}
        stages.append(current)
    elif current is not None:
        current["lines"].append(l)
problems = []
if len(stages) < 2:
    sys.exit("not a multi-stage Dockerfile")
build, runtime = stages[0], stages[-1]
if build["image"] != "debian:bookworm":
    problems.append(f"build stage FROM {build['image']}, expected debian:bookworm")
if runtime["image"] != "debian:bookworm-slim":
    problems.append(f"runtime stage FROM {runtime['image']}, expected debian:bookworm-slim")
def packages(stage):
    pkgs = []
    for l in stage["lines"]:
        for part in re.findall(r"apt-get install ([^&;]*)", l):
            pkgs += [w for w in part.split() if not w.startswith("-")]
    return pkgs
bpk, rpk = packages(build), packages(runtime)
# One apt-cache call (each takes a second or two): a real package has a
# record of its own; a virtual or unknown name has none.
shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *bpk, *rpk], capture_output=True, text=True).stdout
real = set(re.findall(r"(?m)^Package: (\S+)$", shown))
for p in bpk + rpk:
    if p not in real:
        problems.append(f"package {p} does not exist in this Debian (apt-cache show)")
dev = [p for p in rpk if p.endswith("-dev") or p in ("g++", "gcc", "cmake", "ninja-build", "pkg-config", "make")]
if dev:
    problems.append(f"build tools in the runtime stage: {dev}")
users = [l.split()[1] for l in runtime["lines"] if l.startswith("USER ")]
if not users or not re.fullmatch(r"[1-9]\d*(:\d+)?", users[-1]):
    problems.append("runtime USER is not a numeric non-root UID")
if not any(re.match(r'^ENTRYPOINT \["/usr/bin/snapshot-sync"', l) for l in runtime["lines"]):
    problems.append('no ENTRYPOINT ["/usr/bin/snapshot-sync", ...]')
if not any(l.startswith("COPY --from=build") and "snapshot-sync" in l for l in runtime["lines"]):
    problems.append("the runtime stage does not copy the binary from the build stage")
if not any("/etc/snapshot-sync/snapshot-sync.toml" in l for l in runtime["lines"] if l.startswith("COPY")):
    problems.append("the runtime stage does not ship the example config")
def owners_of(paths):
    """path -> owning package, with one dpkg -S call (merged /usr: try /lib and /usr/lib)."""
    variants = {}
    for path in paths:
        for v in (path, path.replace("/usr/lib/", "/lib/", 1), path.replace("/lib/", "/usr/lib/", 1)):
            variants.setdefault(v, path)
    out = subprocess.run(["dpkg", "-S", *variants], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        pkgs, _, v = line.partition(": ")
        if v in variants:
            found.setdefault(variants[v], pkgs.split(",")[0].split(":")[0].strip())
    return found
# Every shared library the binary loads must come from the runtime packages,
# what apt installs with them, or the slim base (essential packages + apt).
def closure(pkgs):
    r = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                        "--no-breaks", "--no-replaces", "--no-enhances", *pkgs], capture_output=True, text=True)
    return {l.strip() for l in r.stdout.splitlines() if l and not l.startswith(" ") and not l.startswith("<")}
essential = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Essential}\n"], capture_output=True,
                           text=True).stdout
base = [l.split("\t")[0] for l in essential.splitlines() if l.endswith("\tyes")] + ["apt"]
available = closure(rpk) | closure(base)
ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
needed = {}
for l in ldd.splitlines():
    if "not found" in l:
        problems.append(f"ldd: {l.strip()}")
    m = re.match(r"^\s*(\S+) => (/\S+)", l)
    if m:
        needed[m.group(1)] = m.group(2)
uncovered = []
owners = owners_of(needed.values())
for lib, path in sorted(needed.items()):
    owner = owners.get(path)
    if owner is None:
        problems.append(f"{lib} ({path}) belongs to no Debian package")
    elif owner not in available:
        uncovered.append(f"{lib} ({owner})")
if uncovered:
    problems.append(f"libraries the runtime stage would lack: {uncovered}")
if problems:
    sys.exit("\n".join(problems))
print(f"   ok: {len(bpk)} build and {len(rpk)} runtime packages exist in Debian 12; runtime covers all "
      f"{len(needed)} libraries ldd lists; numeric non-root USER {users[-1]}")
EOF

########################################################################
step "Debian package (cpack -G DEB)"
rm -f "$BUILD"/snapshot-sync_*.deb
(cd "$BUILD" && cpack -G DEB >"$WORK/cpack.log" 2>&1) || { tail -20 "$WORK/cpack.log"; fail "cpack -G DEB failed"; }
DEB=$(ls "$BUILD"/snapshot-sync_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] || fail "cpack made no snapshot-sync_*.deb in $BUILD"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
echo "   $(basename "$DEB"): Depends: $DEPENDS"
dpkg-deb -I "$DEB" conffiles 2>/dev/null | grep -qx /etc/snapshot-sync/snapshot-sync.toml \
    || fail "/etc/snapshot-sync/snapshot-sync.toml is not a conffile"
dpkg-deb -c "$DEB" | awk '{print $6}' >"$WORK/deb.files"
for f in ./usr/bin/snapshot-sync ./etc/snapshot-sync/snapshot-sync.toml ./lib/systemd/system/snapshot-sync.service \
         ./lib/systemd/system/snapshot-sync.timer ./usr/share/man/man1/snapshot-sync.1.gz \
         ./usr/share/doc/snapshot-sync/examples/snapshot-sync.cron \
         ./usr/share/doc/snapshot-sync/examples/snapshot-sync.logrotate ./usr/share/doc/snapshot-sync/operations.md; do
    grep -qx "$f" "$WORK/deb.files" || fail "the package lacks $f"
done
"$PY" - "$BIN" "$DEPENDS" <<'EOF' || fail "the package's Depends miss a library package (above)"
import re, subprocess, sys
binary, depends = sys.argv[1], sys.argv[2]
names = {re.split(r"[ (]", d.strip())[0] for alt in depends.split(",") for d in alt.split("|")}
def owners_of(paths):
    """path -> owning package, with one dpkg -S call (merged /usr: try /lib and /usr/lib)."""
    variants = {}
    for path in paths:
        for v in (path, path.replace("/usr/lib/", "/lib/", 1), path.replace("/lib/", "/usr/lib/", 1)):
            variants.setdefault(v, path)
    out = subprocess.run(["dpkg", "-S", *variants], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        pkgs, _, v = line.partition(": ")
        if v in variants:
            found.setdefault(variants[v], pkgs.split(",")[0].split(":")[0].strip())
    return found
out = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True, check=True).stdout
ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout.splitlines()
needed = {lib: next((l.split("=>")[1].split()[0] for l in ldd if l.strip().startswith(lib + " ")), None)
          for lib in re.findall(r"NEEDED\s+(\S+)", out)}
by_path = owners_of(p for p in needed.values() if p)
missing, owners = [], {}
for lib, path in needed.items():
    pkg = by_path.get(path)
    if pkg is None:
        missing.append(f"{lib}: no package")
    else:
        owners[lib] = pkg
# A Depends entry may name a virtual package the owner provides (libspdlog1.10-fmt9).
shown = subprocess.run(["apt-cache", "show", "--no-all-versions", *set(owners.values())], capture_output=True,
                       text=True).stdout
provides = {}
for record in shown.split("\n\n"):
    m = re.search(r"(?m)^Package: (\S+)$", record)
    if m:
        provides[m.group(1)] = {m.group(1)} | {p.strip().split(" ")[0] for line in
                                re.findall(r"(?m)^Provides: (.*)$", record) for p in line.split(",")}
for lib, pkg in owners.items():
    if not (provides.get(pkg, {pkg}) & names):
        missing.append(f"{lib} ({pkg})")
if "ca-certificates" not in names:
    missing.append("ca-certificates")
if missing:
    sys.exit(f"not in Depends: {missing}")
print("   ok: Depends cover every NEEDED library, plus ca-certificates; conffile and paths present")
EOF
# Install it here.
if dpkg-query -W -f='${Status}' snapshot-sync 2>/dev/null | grep -q "install ok installed"; then
    echo "   (snapshot-sync was already installed: it stays installed afterwards)"
else
    INSTALLED_HERE=1
fi
apt-get install -y -qq --reinstall --no-install-recommends -o DPkg::Lock::Timeout=120 "$DEB" >"$WORK/apt.log" 2>&1 \
    || { tail -20 "$WORK/apt.log"; fail "apt-get install $DEB failed"; }
ok "apt-get install ./$(basename "$DEB")"
version=$(/usr/bin/snapshot-sync --version | head -1)
[[ "$version" == "snapshot-sync "* ]] || fail "/usr/bin/snapshot-sync --version printed '$version'"
ok "/usr/bin/snapshot-sync --version: $version"
ldd /usr/bin/snapshot-sync >"$WORK/ldd.txt" 2>&1 || fail "ldd /usr/bin/snapshot-sync failed"
! grep "not found" "$WORK/ldd.txt" || fail "the installed binary lacks a library (above)"
[ "$(man -w snapshot-sync)" = /usr/share/man/man1/snapshot-sync.1.gz ] || fail "man -w snapshot-sync: $(man -w snapshot-sync 2>&1)"
MANWIDTH=80 man snapshot-sync >"$WORK/man-installed.txt" 2>&1 || fail "man snapshot-sync failed"
grep -q "EXIT STATUS" "$WORK/man-installed.txt" || fail "man snapshot-sync does not render"
ok "man snapshot-sync"
clean_env /usr/bin/snapshot-sync config >"$WORK/config.installed" 2>&1 || fail "the installed snapshot-sync config failed"
head -1 "$WORK/config.installed" | grep -qx "# config file: /etc/snapshot-sync/snapshot-sync.toml" \
    || fail "the installed binary does not read /etc/snapshot-sync/snapshot-sync.toml by default"
# demo-db and a dry run with the installed binary and the installed config
# (same seed and --now as the build's demo data, so the same accounts).
clean_env /usr/bin/snapshot-sync demo-db "$WORK/installed.db" --accounts 300 --seed 7 --now 2026-01-01T00:00:00Z \
    >/dev/null 2>"$WORK/demo.log" || { cat "$WORK/demo.log"; fail "the installed demo-db failed"; }
clean_env SNAPSHOT_SYNC_DATABASE_URL="sqlite:$WORK/installed.db" /usr/bin/snapshot-sync run --dry-run \
    --as-of 2026-01-01T00:00:00Z >"$WORK/dry.ndjson" 2>"$WORK/dry.log" \
    || { cat "$WORK/dry.log"; fail "the installed dry run failed"; }
eligible=$(sed -n 's/.*accounts: \([0-9]*\) eligible.*/\1/p' "$WORK/dry.log")
lines=$(wc -l <"$WORK/dry.ndjson")
[ -n "$eligible" ] && [ "$eligible" -gt 0 ] && [ "$lines" -eq "$eligible" ] \
    || fail "installed dry run: $lines messages for '$eligible' eligible accounts"
ok "installed dry run with /etc/snapshot-sync/snapshot-sync.toml: $lines messages, one per eligible account"

########################################################################
step "systemd units (installed)"
systemd-analyze verify /lib/systemd/system/snapshot-sync.service /lib/systemd/system/snapshot-sync.timer \
    || fail "systemd-analyze verify failed on the installed units"
ok "systemd-analyze verify (ExecStart, man:snapshot-sync(1))"
# The job as the unit starts it, as far as that is possible without systemd
# as PID 1: an unprivileged UID with no passwd entry (like DynamicUser=), the
# unit's Environment= lines, %d = a credentials directory holding the key,
# STATE_DIRECTORY = a private state directory. The database is a WAL-mode
# SQLite file the job may only read, in a directory it cannot write, while
# another process ("Fizzy", root) has it open: the self-hosted case
# docs/operations.md describes.
RUN_UID=61934
HOLDER_READY=$WORK/holder.ready
"$PY" -c '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("SELECT count(*) FROM accounts").fetchall()
open(sys.argv[2], "w").close()
time.sleep(120)' "$WORK/demo.db" "$HOLDER_READY" &
HOLDER_PID=$!
for _ in $(seq 1 100); do [ -f "$HOLDER_READY" ] && break; sleep 0.1; done
[ -f "$HOLDER_READY" ] || fail "the process holding the demo database open did not start"
mkdir -p "$WORK/unit/state" "$WORK/unit/credentials"
cp "$WORK/write-key" "$WORK/unit/credentials/segment-write-key"
chown -R "$RUN_UID:$RUN_UID" "$WORK/unit"
chmod 0700 "$WORK/unit/state"
chmod 0500 "$WORK/unit/credentials"
mapfile -t unit_env < <(sed -n 's/^Environment=//p' /lib/systemd/system/snapshot-sync.service \
                        | sed "s#%d#$WORK/unit/credentials#g")
before=$(collected)
clean_env "${unit_env[@]}" STATE_DIRECTORY="$WORK/unit/state" CREDENTIALS_DIRECTORY="$WORK/unit/credentials" \
    SNAPSHOT_SYNC_DATABASE_URL="sqlite:$WORK/demo.db" SEGMENT_HOST="$COLLECTOR" \
    setpriv --reuid=$RUN_UID --regid=$RUN_UID --clear-groups --inh-caps=-all \
    strace -f -qq -c -o "$WORK/unit/strace.txt" \
    /usr/bin/snapshot-sync run --as-of 2026-01-01T00:00:00Z --metrics-textfile "$WORK/unit/state/metrics.prom" \
    >"$WORK/unit/out" 2>"$WORK/unit/log" \
    || { cat "$WORK/unit/log"; fail "the job failed in the unit's environment"; }
kill "$HOLDER_PID" 2>/dev/null || true
wait "$HOLDER_PID" 2>/dev/null || true
HOLDER_PID=""
[ -f "$WORK/unit/state/checkpoint.json" ] || fail "no checkpoint in \$STATE_DIRECTORY after the run"
sent=$(( $(collected) - before ))
[ "$sent" -eq "$eligible" ] || fail "the collector got $sent messages, expected $eligible"
! grep -qF "$WRITE_KEY" "$WORK/unit/log" "$WORK/unit/out" "$WORK/unit/state/checkpoint.json" \
    || fail "the write key appears in the job's output"
ok "as UID $RUN_UID with the unit's environment, reading a WAL database it cannot write: $sent sent, checkpoint in \$STATE_DIRECTORY, key never printed"
# The unit's SystemCallFilter= must allow every system call that run made
# (strace -c, as the unprivileged user): otherwise systemd would make it fail.
"$PY" - /lib/systemd/system/snapshot-sync.service "$WORK/unit/strace.txt" <<'EOF' || fail "SystemCallFilter= would block the job (above)"
import re, subprocess, sys
unit, trace = open(sys.argv[1]).read(), open(sys.argv[2]).read()
def expand(name, seen):
    if not name.startswith("@"):
        return {name}
    out = set()
    listing = subprocess.run(["systemd-analyze", "syscall-filter", name], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines()[1:]:
        item = line.strip()
        if item and not item.startswith("#") and item not in seen:
            seen.add(item)
            out |= expand(item, seen)
    return out
allowed, denied = set(), set()
for value in re.findall(r"(?m)^SystemCallFilter=(.*)$", unit):
    deny = value.startswith("~")
    names = set().union(*(expand(n, set()) for n in value.lstrip("~").split()))
    (denied if deny else allowed).update(names)
used = {l.split()[-1] for l in trace.splitlines()[2:] if l.strip() and not l.startswith("-") and l.split()[-1] != "total"}
blocked = sorted(u for u in used if (allowed and u not in allowed) or u in denied)
if blocked:
    sys.exit(f"system calls the job made that the unit's SystemCallFilter= forbids: {blocked}")
print(f"   ok: the {len(used)} system calls of that run are all allowed by the unit's SystemCallFilter=")
EOF

########################################################################
step "cron (deploy/cron)"
CRON=$ROOT/deploy/cron/snapshot-sync.cron
"$PY" - "$CRON" "$WORK" <<'EOF' || fail "the crontab is not valid (above)"
import re, sys
cron, work = sys.argv[1], sys.argv[2]
env, jobs = [], []
for line in open(cron):
    line = line.rstrip("\n")
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", line):
        env.append(line)
    else:
        jobs.append(line)
if len(jobs) != 1:
    sys.exit(f"expected one job line, found {len(jobs)}")
f = jobs[0].split(None, 6)
if len(f) < 7:
    sys.exit("the job line needs minute hour dom month dow user command (/etc/cron.d format)")
ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
for value, (lo, hi) in zip(f[:5], ranges):
    if value != "*" and not all(x.isdigit() and lo <= int(x) <= hi for x in re.split(r"[,-/]", value)):
        sys.exit(f"bad time field {value!r}")
user, command = f[5], f[6]
if "flock -n" not in command:
    sys.exit("the command does not use flock -n")
if "%" in command:
    sys.exit("an unescaped % in the command (cron turns it into a newline)")
if re.search(r"SEGMENT_WRITE_KEY=\S", "\n".join(env)):
    sys.exit("a write key in the crontab")
# For the test run: the same command and environment, paths moved to a temp dir.
moves = [("/var/lib/snapshot-sync", f"{work}/cron/state"), ("/var/log/snapshot-sync", f"{work}/cron/log"),
         ("/etc/snapshot-sync/credentials/segment-write-key", f"{work}/cron/segment-write-key")]
def move(s):
    for a, b in moves:
        s = s.replace(a, b)
    return s
open(f"{work}/cron.env", "w").write("\n".join(move(e) for e in env if not e.startswith(("SHELL=", "MAILTO="))) + "\n")
open(f"{work}/cron.cmd", "w").write(move(command))
print(f"   ok: one job, {' '.join(f[:5])} as {user}, flock -n, {len(env)} environment lines")
EOF
mkdir -p "$WORK/cron/state" "$WORK/cron/log" "$WORK/cron/data"
cp "$WORK/write-key" "$WORK/cron/segment-write-key"
cp "$WORK/demo.db" "$WORK/cron/data/demo.db"      # a database in a directory the cron user owns
chown -R nobody:nogroup "$WORK/cron"
mapfile -t cron_env <"$WORK/cron.env"
run_cron() {
    clean_env "${cron_env[@]}" SNAPSHOT_SYNC_DATABASE_URL="sqlite:$WORK/cron/data/demo.db" SEGMENT_HOST="$COLLECTOR" \
        METRICS="--metrics-textfile=$WORK/cron/state/snapshot-sync.prom" \
        setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/sh -c "$(cat "$WORK/cron.cmd")"
}
before=$(collected)
run_cron
LOG=$WORK/cron/log/snapshot-sync.log
grep -q '"exit_status":0}' "$LOG" || { cat "$LOG"; fail "the cron line did not end with exit status 0"; }
grep -q 'accounts: .* eligible' "$LOG" || fail "the cron log has no run summary"
[ $(( $(collected) - before )) -gt 0 ] || fail "the cron run sent nothing"
! grep -qF "$WRITE_KEY" "$LOG" || fail "the write key appears in the cron log"
# The metrics the run wrote (uncommenting METRICS= in the crontab) are
# exactly the ones docs/operations.md documents.
"$PY" - "$WORK/cron/state/snapshot-sync.prom" "$ROOT/docs/operations.md" <<'EOF' || fail "metrics and docs/operations.md disagree (above)"
import re, sys
prom, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
written = set(re.findall(r"(?m)^(snapshot_sync_\w+)\{shard=\"0-of-1\"\} ", prom))
documented = set(re.findall(r"(?m)^\| `(snapshot_sync_\w+)` \|", doc))
if written != documented:
    sys.exit(f"written, not documented: {sorted(written - documented)}; documented, not written: {sorted(documented - written)}")
print(f"   ok: the textfile has the {len(written)} documented metrics, label shard=\"0-of-1\"")
EOF
# While the lock is held (a run still going), the next one must skip at once.
# (one process holding the lock, so that killing it releases the lock)
setpriv --reuid=nobody --regid=nogroup --clear-groups "$PY" -c \
    'import fcntl, sys, time; f = open(sys.argv[1], "a"); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(30)' \
    "$WORK/cron/state/cron.lock" &
HOLDER_PID=$!
for _ in $(seq 1 50); do ! flock -n "$WORK/cron/state/cron.lock" true 2>/dev/null && break; sleep 0.1; done
start=$(date +%s)
run_cron
kill "$HOLDER_PID" 2>/dev/null || true
wait "$HOLDER_PID" 2>/dev/null || true
HOLDER_PID=""
[ $(( $(date +%s) - start )) -lt 5 ] || fail "the cron line waited for the lock instead of skipping"
tail -1 "$LOG" | grep -q '"exit_status":1}' || { tail -3 "$LOG"; fail "a run while the lock is held did not skip (flock -n)"; }
ok "the crontab command ran as 'nobody': summary and exit status 0 in the log; skipped while locked"
sed -e "s#/var/log/snapshot-sync#$WORK/cron/log#" -e 's/^\(\s*\)su .*/\1su root root/' \
    -e 's/^\(\s*\)create .*/\1create 0640 root root/' "$ROOT/deploy/cron/snapshot-sync.logrotate" >"$WORK/logrotate.conf"
logrotate -d -s "$WORK/logrotate.state" "$WORK/logrotate.conf" >"$WORK/logrotate.out" 2>&1 \
    || { cat "$WORK/logrotate.out"; fail "logrotate rejects deploy/cron/snapshot-sync.logrotate"; }
! grep -qi "error" "$WORK/logrotate.out" || { cat "$WORK/logrotate.out"; fail "logrotate reports an error"; }
ok "logrotate -d accepts the snippet"

########################################################################
step "docs/operations.md"
"$PY" - "$ROOT/docs/operations.md" "$WORK" <<'EOF' || fail "docs/operations.md (above)"
import re, sys, yaml
text = open(sys.argv[1]).read()
metrics = ["accounts_eligible", "accounts_sent", "accounts_failed", "accounts_rejected", "accounts_unchanged", "batches", "requests",
           "retries", "bytes_sent", "duration_seconds", "last_run_timestamp_seconds", "last_run_exit_status",
           "last_success_timestamp_seconds"]
missing = [m for m in metrics if f"snapshot_sync_{m}" not in text]
if missing:
    sys.exit(f"metrics not documented: {missing}")
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
rules = [r for b in blocks for g in (yaml.safe_load(b) or {}).get("groups", []) for r in g["rules"]]
if not any("26 * 3600" in r["expr"] and "snapshot_sync_last_success_timestamp_seconds" in r["expr"] for r in rules):
    sys.exit("no alert rule for 'no successful run in 26 hours'")
print(f"   ok: {len(metrics)} metrics documented; {len(rules)} alert rules parse")
open(f"{sys.argv[2]}/rules.yml", "w").write(next(b for b in blocks if "groups:" in b))
# For promtool's unit tests: the same rules without annotations (their wording is not under test).
plain = [yaml.safe_load(b) for b in blocks if "groups:" in b][0]
for g in plain["groups"]:
    for r in g["rules"]:
        r.pop("annotations", None)
open(f"{sys.argv[2]}/rules-plain.yml", "w").write(yaml.safe_dump(plain))
EOF
# promtool (from Debian's prometheus package, unpacked, not installed: no
# server is started) checks the rules and unit-tests the 26-hour alert.
PROMTOOL=$(command -v promtool || true)
if [ -z "$PROMTOOL" ]; then
    TOOLS=$BUILD/check-deploy-tools
    if [ ! -x "$TOOLS/usr/bin/promtool" ]; then
        mkdir -p "$TOOLS"
        (cd "$TOOLS" && apt-get download -qq prometheus && dpkg-deb -x prometheus_*.deb . && rm -f prometheus_*.deb) \
            >"$WORK/promtool.log" 2>&1 || { cat "$WORK/promtool.log"; fail "could not unpack promtool from Debian's prometheus package"; }
    fi
    PROMTOOL=$TOOLS/usr/bin/promtool
fi
"$PROMTOOL" check rules "$WORK/rules.yml" >"$WORK/promtool.out" 2>&1 \
    || { cat "$WORK/promtool.out"; fail "promtool check rules: the alert rules in docs/operations.md are invalid"; }
cat >"$WORK/rules-test.yml" <<EOF
rule_files: [$WORK/rules-plain.yml]
evaluation_interval: 1m
tests:
  # The last completed run was at t=0 and none since: quiet at 25 h, firing at 27 h.
  - interval: 1m
    input_series:
      - series: 'snapshot_sync_last_success_timestamp_seconds{job="snapshot-sync",shard="0-of-1"}'
        values: '0x1800'
      - series: 'snapshot_sync_last_run_exit_status{job="snapshot-sync",shard="0-of-1"}'
        values: '3x1800'
    alert_rule_test:
      - eval_time: 25h
        alertname: SnapshotSyncNoSuccessIn26h
        exp_alerts: []
      - eval_time: 27h
        alertname: SnapshotSyncNoSuccessIn26h
        exp_alerts:
          - exp_labels: {job: snapshot-sync, severity: warning}
      - eval_time: 1h
        alertname: SnapshotSyncLastRunFailed
        exp_alerts:
          - exp_labels: {job: snapshot-sync, shard: 0-of-1, severity: info}
  # A run completes every day: never fires.
  - interval: 1m
    input_series:
      - series: 'snapshot_sync_last_success_timestamp_seconds{job="snapshot-sync",shard="0-of-1"}'
        values: '0x1439 86400x1439 172800x1439'
    alert_rule_test:
      - eval_time: 70h
        alertname: SnapshotSyncNoSuccessIn26h
        exp_alerts: []
  # No metric at all (never ran, or the textfile is gone): fires.
  - interval: 1m
    input_series:
      - series: 'up{job="node"}'
        values: '1x60'
    alert_rule_test:
      - eval_time: 30m
        alertname: SnapshotSyncNoSuccessIn26h
        exp_alerts:
          - exp_labels: {severity: warning}
EOF
"$PROMTOOL" test rules "$WORK/rules-test.yml" >"$WORK/promtool.out" 2>&1 \
    || { cat "$WORK/promtool.out"; fail "promtool test rules: the 26-hour alert does not behave as documented"; }
ok "promtool check rules + test rules: quiet at 25 h, fires at 27 h, quiet with daily runs, fires when absent"

########################################################################
step "no secrets in examples"
if grep -rnE 'SEGMENT_WRITE_KEY=[^ "$]|://[^/@ :"]+:[^/@ "]+@' "$ROOT/deploy" "$ROOT/config" "$ROOT/docs/operations.md" \
        "$ROOT/docs/snapshot-sync.1"; then
    fail "something that looks like a secret in deploy/, config/ or docs/ (above)"
fi
ok "no write key values or passwords in URLs"
