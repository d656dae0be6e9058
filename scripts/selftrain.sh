#!/usr/bin/env bash
# The command-line client (src/SelfTrain.Cli): ./scripts/selftrain.sh --help. Builds it first if it is not built.
# Settings (environment): SELFTRAIN_HOST, SELFTRAIN_STORAGE or SELFTRAIN_STORAGE_ACCOUNT, SELFTRAIN_OPERATOR_KEY,
# CONFIGURATION (Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-Release}
cli="$root/src/SelfTrain.Cli/bin/$configuration/net10.0/selftrain.dll"
if [ ! -f "$cli" ]; then
  dotnet build "$root/src/SelfTrain.Cli" -c "$configuration" -m:1 -nologo -v:q >&2 || { echo "error: building the client failed" >&2; exit 1; }
fi
exec dotnet "$cli" "$@"
