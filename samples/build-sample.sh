#!/usr/bin/env bash
# Packs Parley, builds samples/HelloHandler against the packed package (not the project), starts it
# and asks it one question over HTTP. Prints "library: N passed, N failed" as its last line.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d -t parley-sample-XXXXXX)"
version="0.1.0-local.$(date +%s)"
fail() { echo "library: $1"; echo "library: 0 passed, 1 failed"; exit 1; }

dotnet pack "$repo/src/Parley/Parley.csproj" -c Release -o "$work/packages" -p:Version="$version" -p:SkipWebBuild=${SkipWebBuild:-false} >"$work/pack.log" 2>&1 \
  || { tail -20 "$work/pack.log"; fail "dotnet pack failed"; }
cp -r "$repo/samples/HelloHandler" "$work/app"
cat >"$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /><add key="local" value="$work/packages" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources>
  <packageSourceMapping>
    <packageSource key="local"><package pattern="Parley" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
XML
# The copy sits outside the repository, so the repository's Directory.*.props do not apply to it.
dotnet build "$work/app/HelloHandler.csproj" -c Release -p:ParleyVersion="$version" >"$work/build.log" 2>&1 \
  || { tail -20 "$work/build.log"; fail "the sample did not build against the package"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# exec: $! is then the dotnet process itself, so the trap stops the server (not only a subshell around it).
(cd "$work/app" && PORT=$port PARLEY_DATA_DIR="$work/data" exec dotnet bin/Release/net10.0/HelloHandler.dll >"$work/run.log" 2>&1) &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.5; done
reply=$(curl -sN --max-time 20 "http://127.0.0.1:$port/api/chat" -H 'Content-Type: application/json' -d '{"message":"hello parley"}')
ui=$(curl -s --max-time 5 "http://127.0.0.1:$port/")
browser_ok=1
if [ -d "$repo/tests/e2e/node_modules/playwright-core" ] && [ -x /usr/bin/chromium ]; then
  node "$repo/tests/e2e/sample-check.mjs" "http://127.0.0.1:$port" || browser_ok=0
else
  echo "library: tests/e2e is not installed (npm ci) or chromium is missing"; browser_ok=0
fi
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); else failed=$((failed+1)); echo "library: FAILED $1"; fi; }
check "the handler streams its reply" '[[ "$reply" == *"\"content\":\"HELLO \""* && "$reply" == *"PARLEY"* ]]'
check "its tool call shows as tool_start/tool_end" '[[ "$reply" == *"\"tool_end\""* && "$reply" == *"count_words"* ]]'
check "the web app is served by the package" '[[ "$ui" == *"<div id=\"root\">"* ]]'
check "the handler answers in the browser, with its tool card" '[ "$browser_ok" = 1 ]'
echo "library: $passed passed, $failed failed"
[ "$failed" = 0 ]
