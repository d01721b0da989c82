#!/usr/bin/env bash
# The README's test command: installs the npm packages the interop tests use (from the committed
# lockfile), builds, runs every test project, and ends with "N passed, N failed, N skipped".
# Exits non-zero when any test fails or nothing ran.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if command -v npm >/dev/null 2>&1 && [ -f tests/interop/package-lock.json ]; then
  echo "== npm ci (interop test packages)"
  npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
else
  echo "== node/npm not found: interop cross-checks will be skipped (they fail instead when CI=true)"
fi

echo "== build"
dotnet build Seco.Actors.sln -c Release -nologo -clp:NoSummary -warnaserror

results=TestResults
rm -rf "$results"
echo "== test"
set +e
dotnet test Seco.Actors.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" "$@"
status=$?
set -e

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  # Skipped tests: xunit's skips are results with outcome "NotExecuted", but the logger leaves the notExecuted
  # counter at 0 (and counts them only in total), so count the results themselves.
  s=$({ grep -o '<UnitTestResult [^>]*outcome="NotExecuted"' "$trx" || true; } | wc -l)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
done
if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "no test results found (dotnet test exit code $status)"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
