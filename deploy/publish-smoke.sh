#!/usr/bin/env bash
# Publishes the self-contained Linux build (publish profile linux-x64), starts the published Parley.Server on a
# free loopback port with a temporary data folder, checks /health, /health/live and the `healthcheck` verb, sends
# SIGTERM and checks that it exits. Prints "publish: N passed, N failed". Extra arguments go to dotnet publish.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
out="$work/publish"
passed=0; failed=0; server=""
check() { if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "  ok    $2"; else failed=$((failed + 1)); echo "  FAIL  $2"; fi; }
finish() {
  [ -n "$server" ] && kill -0 "$server" 2>/dev/null && kill -KILL "$server" 2>/dev/null
  rm -rf "$work"
  echo "publish: $passed passed, $failed failed"
  [ "$failed" = 0 ]
  exit $?
}
trap finish EXIT

echo "dotnet publish (self-contained linux-x64) into $out"
dotnet publish src/Parley.Server -c Release -p:PublishProfile=linux-x64 -o "$out" "$@" 2>&1 | tail -3
[ -x "$out/Parley.Server" ] && [ -f "$out/libcoreclr.so" ]
check $? "self-contained output: Parley.Server executable and the .NET runtime (libcoreclr.so) are in the folder"
[ -x "$out/Parley.Server" ] || exit

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
(cd "$work" && exec env -u DOTNET_ROOT HOST=127.0.0.1 PORT="$port" PARLEY_DATA_DIR="$work/data" "$out/Parley.Server" >"$work/server.log" 2>&1) &
server=$!
status=000
for _ in $(seq 1 60); do
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health" || true)
  [ "$status" = 200 ] && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.5
done
[ "$status" = 200 ]
check $? "the published server answers GET /health with 200 (got $status)"
live=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health/live" || true)
[ "$live" = 200 ]
check $? "GET /health/live answers 200 (got $live)"
PORT="$port" timeout 20 "$out/Parley.Server" healthcheck >/dev/null
check $? "the published 'healthcheck' verb exits 0 against the running server"

kill -TERM "$server"
for _ in $(seq 1 60); do kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
! kill -0 "$server" 2>/dev/null
check $? "the server exits after SIGTERM"
wait "$server" 2>/dev/null; code=$?
[ "$code" = 0 ]
check $? "exit code 0 after SIGTERM (got $code)"
[ -f "$work/data/parley.db" ]
check $? "the SQLite database was created in PARLEY_DATA_DIR"
[ "$failed" = 0 ] || tail -20 "$work/server.log"
