#!/usr/bin/env bash
# Sums the TRX files in a folder (the "trx" logger's output) into "N passed, N failed, N skipped".
# Exit status: 0 if at least one test passed and none failed; 1 otherwise (or when no TRX file holds a result).
# Used by scripts/test.sh; tested by tests/Seco.Cli.Tests/TestScriptTests.cs.
set -euo pipefail
results="${1:?usage: trx-summary.sh <folder with .trx files>}"
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  # Skipped tests: xunit's skips are results with outcome "NotExecuted", but the logger leaves the notExecuted
  # counter at 0 (and counts them only in total), so count the results themselves.
  s=$({ grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" || true; } | wc -l)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done
if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "no test results found in $results"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
