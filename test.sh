#!/usr/bin/env bash
# Runs every Parley test suite on a fresh machine and prints one closing line: "N passed, N failed".
#   .NET unit + integration tests (real Kestrel on 127.0.0.1, real SQLite, fake provider upstreams)
#   web app unit tests (Vitest) and browser end-to-end tests (Debian Chromium driven by playwright-core)
#   the official openai and @anthropic-ai/sdk npm clients against the running server (tests/sdk)
#   the library package built into a sample, a 30-second smoke run of the benchmark suite, and the
#   self-contained linux-x64 publish started and asked for /health
# Installs what the tests need (Debian's chromium, redis-server, ...) when it is missing. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v kcat >/dev/null 2>&1 || need_apt+=(kcat)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The Redis tests start their own redis-server on a free loopback port.
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need_apt+=(redis-server)
# PostgreSQL server binaries: the PostgreSQL tests start their own private cluster with initdb/pg_ctl (never a system one).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing ${need_apt[*]} (Debian packages)…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

passed=0; failed=0; broken=0

echo "== build (server, web app, tests)"
if ! dotnet build Parley.slnx -c Release -warnaserror 2>&1 | tail -5; then broken=1; fi
[ "${PIPESTATUS[0]}" = 0 ] || broken=1

echo "== .NET tests"
dotnet test Parley.slnx -c Release --no-build --logger "trx;LogFilePrefix=dotnet" --results-directory "$results" 2>&1 | tail -15
read -r p f < <(python3 - "$results" <<'PY'
import sys, glob, xml.etree.ElementTree as ET
p = f = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
print(p, f)
PY
)
[ "${p:-0}" -gt 0 ] || broken=1
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))

echo "== web app unit tests (Vitest)"
if (cd src/Parley.Web && npx vitest run --reporter=default --reporter=json --outputFile="$results/vitest.json" 2>&1 | tail -8); then :; fi
read -r p f < <(python3 -c 'import json,sys
try:
    d=json.load(open(sys.argv[1])); print(d["numPassedTests"], d["numFailedTests"])
except Exception: print(0, 1)' "$results/vitest.json")
passed=$((passed + p)); failed=$((failed + f))

echo "== browser end-to-end tests"
e2e_log="$results/e2e.log"
PARLEY_SERVER_DLL="$root/src/Parley.Server/bin/Release/net10.0/Parley.Server.dll" bash tests/e2e/run.sh 2>&1 | tee "$e2e_log" | tail -25
line=$(grep -E '^e2e: [0-9]+ passed, [0-9]+ failed' "$e2e_log" | tail -1)
if [ -n "$line" ]; then
  passed=$((passed + $(echo "$line" | sed -E 's/^e2e: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
else
  echo "e2e suite did not report a result"; failed=$((failed + 1))
fi

echo "== SDK conformance (official openai and @anthropic-ai/sdk npm clients, Node 22 from npm)"
sdk_log="$results/sdk.log"
PARLEY_SERVER_DLL="$root/src/Parley.Server/bin/Release/net10.0/Parley.Server.dll" bash tests/sdk/run.sh 2>&1 | tee "$sdk_log" | tail -12
line=$(grep -E '^sdk: [0-9]+ passed, [0-9]+ failed' "$sdk_log" | tail -1)
if [ -n "$line" ]; then
  passed=$((passed + $(echo "$line" | sed -E 's/^sdk: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
else
  echo "sdk suite did not report a result"; failed=$((failed + 1))
fi

echo "== library package (dotnet pack, sample built against the package)"
lib_log="$results/library.log"
SkipWebBuild=true bash samples/build-sample.sh 2>&1 | tee "$lib_log" | tail -5
line=$(grep -E '^library: [0-9]+ passed, [0-9]+ failed' "$lib_log" | tail -1)
if [ -n "$line" ]; then
  passed=$((passed + $(echo "$line" | sed -E 's/^library: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
else
  echo "library check did not report a result"; failed=$((failed + 1))
fi

echo "== benchmark smoke (every scenario tiny; no timing assertions)"
bench_log="$results/bench.log"
bash bench/smoke.sh -p:SkipWebBuild=true 2>&1 | tee "$bench_log" | tail -14
line=$(grep -E '^bench: [0-9]+ passed, [0-9]+ failed' "$bench_log" | tail -1)
if [ -n "$line" ]; then
  passed=$((passed + $(echo "$line" | sed -E 's/^bench: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
else
  echo "benchmark smoke did not report a result"; failed=$((failed + 1))
fi

echo "== self-contained publish (linux-x64 build started and asked for /health)"
publish_log="$results/publish.log"
bash deploy/publish-smoke.sh 2>&1 | tee "$publish_log" | tail -10
line=$(grep -E '^publish: [0-9]+ passed, [0-9]+ failed' "$publish_log" | tail -1)
if [ -n "$line" ]; then
  passed=$((passed + $(echo "$line" | sed -E 's/^publish: ([0-9]+) passed.*/\1/')))
  failed=$((failed + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
else
  echo "publish check did not report a result"; failed=$((failed + 1))
fi

[ "$broken" = 0 ] || failed=$((failed + 1))
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
