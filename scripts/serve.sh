#!/usr/bin/env bash
# Runs SelfTrain locally for your own model and images, until Ctrl-C: Azurite with its data on disk (uploads, labels,
# models and rounds survive a restart), the local host, and a trainer worker restarted if it dies. Drive it with
# ./scripts/selftrain.sh (README: "Your own model and images").
#   ./scripts/serve.sh [--port 7071] [--storage-port 10000] [--data .selftrain] [--no-build]
# --port: the host's HTTP port on 127.0.0.1; --storage-port: Azurite's blob port (queue and table take the next two);
# --data: where Azurite keeps its data and the logs go; --no-build: use what is built (CONFIGURATION, Release).
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"

usage="usage: ./scripts/serve.sh [--port N] [--storage-port N] [--data DIR] [--no-build]"
port=7071 storage_port=10000 data=$SELFTRAIN_ROOT/.selftrain build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=${2:?$usage}; shift 2;;
    --storage-port) storage_port=${2:?$usage}; shift 2;;
    --data) data=${2:?$usage}; shift 2;;
    --no-build) build=0; shift;;
    -h|--help) echo "$usage"; exit 0;;
    *) die "unknown argument '$1'; $usage";;
  esac
done
for value in "$port" "$storage_port"; do
  [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge 1024 ] && [ "$value" -le 65533 ] || die "a port must be a number from 1024 to 65533, not '$value'"
done
[ "$port" -lt "$storage_port" ] || [ "$port" -gt $((storage_port + 2)) ] || die "--port $port is one of Azurite's ports ($storage_port to $((storage_port + 2)))"
! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || die "port $port is in use; choose another with --port"

# The data folder is where the user said, relative to where they are; only they may read it (their images, labels, models).
mkdir -p "$data/logs"
chmod 700 "$data"
data=$(cd "$data" && pwd)
cd "$SELFTRAIN_ROOT"
require_commands dotnet
ensure_azurite
configuration=${CONFIGURATION:-Release}
if [ "$build" = 1 ]; then
  build_projects "$configuration" "$data/logs/build.log" src/SelfTrain.Host src/SelfTrain.Trainer src/SelfTrain.Cli
else
  build_outputs "$configuration"
fi
[ -f "$HOST_DLL" ] && [ -x "$TRAINER" ] || die "nothing is built yet: run without --no-build"

HOST_PID= WORKER_PID=
cleanup() { stop_trainer_worker; stop_process "$HOST_PID"; stop_azurite; log "stopped; the data stays in $data/azurite"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

AZURITE_LOCATION="$data/azurite" AZURITE_BLOB_PORT=$storage_port start_azurite
export AzureWebJobsStorage="$AZURITE_CONNECTION_STRING"

start_local_host "$port" "$data/logs/host.log"
start_trainer_worker "$TRAINER" "$data/logs/trainer.log"

client="./scripts/selftrain.sh"
[ "$port" = 7071 ] || client="SELFTRAIN_HOST=http://127.0.0.1:$port $client"
[ "$storage_port" = 10000 ] || client="SELFTRAIN_STORAGE='$AZURITE_CONNECTION_STRING' $client"
cat <<INFO
SelfTrain is running.
  dashboard  http://127.0.0.1:$port/
  API        http://127.0.0.1:$port/api/health   (operator routes open on loopback only)
  storage    $AZURITE_CONNECTION_STRING
             (Azurite's public development account; data in $data/azurite)
  client     $client status
  logs       $data/logs/host.log (with its spans and metrics), $data/logs/trainer.log
  stop       Ctrl-C (the data stays; run this again to carry on)
INFO

# Serve until Ctrl-C; if the host dies, say so and stop the rest.
wait "$HOST_PID" || true
HOST_PID=
tail -20 "$data/logs/host.log" >&2
die "the host stopped"
