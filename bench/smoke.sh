#!/usr/bin/env bash
# Builds the benchmark suite (Release) and runs its smoke mode: every scenario tiny (about 30 s), on 127.0.0.1 only,
# no timing assertions. Arguments are passed to `dotnet build` (e.g. -p:SkipWebBuild=true).
# The last line is always "bench: N passed, N failed" (N = scenarios); the exit code is non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== bench: build (Release)"
build_log=$(mktemp)
if ! dotnet build bench/Parley.Bench/Parley.Bench.csproj -c Release -warnaserror "$@" > "$build_log" 2>&1; then
  tail -20 "$build_log"
  rm -f "$build_log"
  echo "bench: 0 passed, 1 failed"
  exit 1
fi
rm -f "$build_log"

echo "== bench: smoke"
log=$(mktemp)
dotnet run --no-build -c Release --project bench/Parley.Bench -- --smoke --out artifacts/bench/smoke.json 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
line=$(grep -E '^bench: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
if [ -z "$line" ]; then
  rm -f "$log"
  echo "the bench did not report a result (exit code $status)"
  echo "bench: 0 passed, 1 failed"
  exit 1
fi
# The bench's own last line is the result; repeat it only if something was printed after it.
[ "$(tail -1 "$log" 2>/dev/null)" = "$line" ] || echo "$line"
rm -f "$log"
exit "$status"
