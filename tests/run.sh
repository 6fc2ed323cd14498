#!/usr/bin/env bash
# The test command of the README: builds (.ci/build.sh), runs every CTest
# (unit, integration, e2e) and ends with ctest's summary line, e.g.
#   100% tests passed, 0 tests failed out of 12
# Exits with ctest's status. Extra arguments go to ctest, e.g.
#   tests/run.sh -L unit        tests/run.sh -R config
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

bash .ci/build.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
ctest --test-dir build --output-on-failure -j2 "$@" 2>&1 | tee "$log" ||
  status=$?
# ctest prints label timings and the list of failures after its summary:
# repeat the summary so it is the last line whatever happened.
summary=$(grep -E '[0-9]+% tests passed' "$log" | tail -n 1 || true)
echo
echo "${summary:-ctest: no test summary (did any test run?)}"
exit "$status"
