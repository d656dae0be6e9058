#!/usr/bin/env bash
# Runs every test project against a private Azurite. Installs what the tests need on a fresh machine (Azurite from
# npm, the Fashion-MNIST Debian package), stops what it started even on failure or Ctrl-C, and ends with the line
# "N passed, N failed[, N skipped]" over all test projects. Extra arguments go to `dotnet test` (e.g. --filter).
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

require_commands dotnet
ensure_fashion_mnist
ensure_azurite

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
  dotnet test Functions.sln -c Release --no-build --nologo --results-directory "$results" \
    --logger trx --logger "console;verbosity=minimal" "$@" || test_status=$?
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
# A build failure or a test host that crashed before reporting counts as a failure too.
if [ $build_status -ne 0 ] || { [ $test_status -ne 0 ] && [ $failed -eq 0 ]; }; then failed=$((failed + 1)); fi

summary="$passed passed, $failed failed"
[ $skipped -eq 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
