# Runs a node:test file with a spec reporter on stdout and a TAP file for counting, then prints
# `<label>: N passed, N failed` and returns non-zero on any failure (cancelled tests count as failed; a run that
# exits non-zero or reports nothing counts as one failure). Sourced by tests/e2e/run.sh and tests/sdk/run.sh.
#   node_test_count LABEL TIMEOUT_SECONDS NODE TEST_FILE
node_test_count() {
  local label="$1" limit="$2" node="$3" file="$4" tap status pass fail cancelled
  tap="$(mktemp -t "parley-$label-XXXXXX.tap")"
  timeout "$limit" "$node" --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$file"
  status=$?
  pass=$(grep -E '^# pass [0-9]+' "$tap" | tail -1 | awk '{print $3}')
  fail=$(grep -E '^# fail [0-9]+' "$tap" | tail -1 | awk '{print $3}')
  cancelled=$(grep -E '^# cancelled [0-9]+' "$tap" | tail -1 | awk '{print $3}')
  pass=${pass:-0}; fail=$(( ${fail:-0} + ${cancelled:-0} ))
  rm -f "$tap"
  if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  echo "$label: $pass passed, $fail failed"
  [ "$status" -eq 0 ] && [ "$fail" -eq 0 ]
}
