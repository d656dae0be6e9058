#!/usr/bin/env bash
# The main job: runs the whole self-training loop locally and answers "can B beat A?" with measurements.
# Installs what it needs (Azurite from npm, the Fashion-MNIST and DejaVu font Debian packages), builds, starts a private Azurite, the
# local host and a trainer worker, plays the scenario (src/SelfTrain.Demo) and stops everything it started, also on
# failure and Ctrl-C. The report lands in runs/<timestamp>/; the last line on stdout is one JSON summary.
#   ./scripts/demo.sh [--gold 2000] [--pool 20000|all] [--rounds 1] [--epochs 8] [--target-precision 0.95] [--seed 1]
# Settings (environment): CONFIGURATION (Release).
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

for argument in "$@"; do
  case "$argument" in -h|--help) echo "usage: ./scripts/demo.sh [--gold N] [--pool N|all] [--rounds N] [--epochs N] [--target-precision P] [--seed N]"; exit 0;; esac
done

require_commands dotnet
ensure_fashion_mnist
ensure_azurite
ensure_fonts

configuration=${CONFIGURATION:-Release}
run_dir="runs/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"
host_pid= WORKER_PID=
cleanup() { stop_trainer_worker; stop_process "$host_pid"; stop_azurite; }
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building ($configuration; log: $run_dir/build.log)"
for project in src/SelfTrain.Host src/SelfTrain.Trainer src/SelfTrain.Demo; do
  dotnet build "$project" -c "$configuration" -m:1 -nologo >>"$run_dir/build.log" 2>&1 ||
    { tail -30 "$run_dir/build.log" >&2; die "building $project failed"; }
done
host_dll=src/SelfTrain.Host/bin/$configuration/net10.0/SelfTrain.Host.dll
trainer=src/SelfTrain.Trainer/bin/$configuration/net10.0/linux-x64/SelfTrain.Trainer
demo_dll=src/SelfTrain.Demo/bin/$configuration/net10.0/SelfTrain.Demo.dll

start_azurite
export AzureWebJobsStorage="$AZURITE_CONNECTION_STRING"

port=$(free_port)
log "starting the local host on http://127.0.0.1:$port (log: $run_dir/host.log)"
Serving__ChampionPollInterval=00:00:01 dotnet "$host_dll" --urls "http://127.0.0.1:$port" >"$run_dir/host.log" 2>&1 &
host_pid=$!
wait_for_port "$port" 120 || { tail -20 "$run_dir/host.log" >&2; die "the host did not start"; }

log "starting a trainer worker (log: $run_dir/trainer-worker.log)"
start_trainer_worker "$trainer" "$run_dir/trainer-worker.log"

dotnet "$demo_dll" --host "http://127.0.0.1:$port" --trainer "$trainer" --out "$run_dir" "$@"
