#!/usr/bin/env bash
# Runs every test project against a private Azurite. Installs what the tests need on a fresh machine (Azurite from
# npm, the Fashion-MNIST, font and Chromium Debian packages), stops what it started even on failure or Ctrl-C, and ends with the line
# "N passed, N failed[, N skipped]" over all test projects and the demo's smoke run. Extra arguments go to
# `dotnet test` (e.g. --filter) and skip the demo smoke run.
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

require_commands dotnet
ensure_fashion_mnist
ensure_azurite
ensure_fonts
ensure_chromium

results=$(mktemp -d -t selftrain-tests.XXXXXX)
cleanup() { stop_azurite; rm -rf "$results"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

start_azurite
export SELFTRAIN_TEST_STORAGE="$AZURITE_CONNECTION_STRING"

log "building"
build_status=0
dotnet build Functions.sln -c Release -nologo -clp:ErrorsOnly || build_status=$?

test_status=0
if [ $build_status -eq 0 ]; then
  log "testing"
  # A test that hangs (say, on an emulator that stopped answering) is stopped and reported, not left to the CI limit.
  dotnet test Functions.sln -c Release --no-build --nologo --results-directory "$results" \
    --blame-hang-timeout 15m --blame-hang-dump-type none \
    --logger trx --logger "console;verbosity=minimal" "$@" || test_status=$?
fi

# The main job at its smoke size, through the script a user runs; skipped when arguments narrow the tests. It counts
# as one test: it passes when the summary line has every figure as a fraction, model A is clearly better than chance
# and the report exists.
demo_status=skipped
if [ $build_status -eq 0 ] && [ $# -eq 0 ]; then
  log "demo smoke: ./scripts/demo.sh --gold 500 --pool 2000 --epochs 1"
  demo_status=failed summary_line=""
  if summary_line=$(./scripts/demo.sh --gold 500 --pool 2000 --epochs 1 | tail -n 1) && node -e '
      const s = JSON.parse(process.argv[1]);
      for (const k of ["teacherAccuracy", "studentAccuracy", "naiveAccuracy", "oracleAccuracy", "mcnemarP"])
        if (typeof s[k] !== "number" || s[k] < 0 || s[k] > 1) throw new Error(`${k} is not a fraction`);
      if (typeof s.promoted !== "boolean") throw new Error("promoted is not a boolean");
      if (s.teacherAccuracy < 0.5) throw new Error("model A is no better than chance");
      require("fs").statSync(s.report);' "$summary_line"; then
    demo_status=passed
  fi
  log "demo smoke $demo_status: $summary_line"
fi

# Sum the counters of every test project's TRX report.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count notExecuted)))
done
case $demo_status in passed) passed=$((passed + 1));; failed) failed=$((failed + 1));; esac
# A build failure or a test host that crashed before reporting counts as a failure too.
if [ $build_status -ne 0 ] || { [ $test_status -ne 0 ] && [ $failed -eq 0 ]; }; then failed=$((failed + 1)); fi

summary="$passed passed, $failed failed"
[ $skipped -eq 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
