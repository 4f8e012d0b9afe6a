#!/usr/bin/env bash
# Parley's end-to-end suite: Debian's Chromium (playwright-core) against the real server
# with the mock provider. Prints `e2e: N passed, N failed` as its last line.
#   PARLEY_SERVER_DLL=path/to/Parley.Server.dll  use a built server instead of `dotnet run`
#   PARLEY_E2E_VERBOSE=1                          print the server log path
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
summary() { echo "e2e: $1 passed, $2 failed"; }

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y chromium >/tmp/parley-e2e-apt.log 2>&1 ||
    { apt-get update >>/tmp/parley-e2e-apt.log 2>&1 && apt-get install -y chromium >>/tmp/parley-e2e-apt.log 2>&1; } ||
    { tail -20 /tmp/parley-e2e-apt.log; echo "e2e: could not install chromium"; summary 0 1; exit 1; }
fi

cd "$here"
if ! npm ci --no-audit --no-fund >/tmp/parley-e2e-npm.log 2>&1; then
  tail -20 /tmp/parley-e2e-npm.log; echo "e2e: npm ci failed in tests/e2e"; summary 0 1; exit 1
fi

if [ -z "${PARLEY_SERVER_DLL:-}" ]; then
  # Build once here (this also builds and embeds the web app), so every server start is quick.
  echo "e2e: building the server (dotnet build src/Parley.Server)"
  if ! (cd "$repo" && dotnet build src/Parley.Server/Parley.Server.csproj --nologo -v:q >/tmp/parley-e2e-build.log 2>&1); then
    grep -E "error|Error" /tmp/parley-e2e-build.log | head -30; echo "e2e: server build failed"; summary 0 1; exit 1
  fi
  export PARLEY_E2E_NO_BUILD=1
fi

# shellcheck source=../lib/node-test-count.sh
. "$here/../lib/node-test-count.sh"
node_test_count e2e 1500 node suite.test.mjs

