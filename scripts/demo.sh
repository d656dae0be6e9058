#!/usr/bin/env bash
# The main job: runs the whole self-training loop locally and answers "can B beat A?" with measurements.
# Installs what it needs (Azurite from npm, the Fashion-MNIST and DejaVu font Debian packages), builds, starts a private Azurite, the
# local host and a trainer worker, plays the scenario (src/SelfTrain.Demo) and stops everything it started, also on
# failure and Ctrl-C. The report lands in runs/<timestamp>/; the last line on stdout is one JSON summary.
#   ./scripts/demo.sh [--gold 2000] [--pool 20000|all] [--rounds 1] [--epochs 8] [--target-precision 0.95] [--second-opinion] [--view] [--propagate] [--ablation] [--seed 1]
# Settings (environment): CONFIGURATION (Release).
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

for argument in "$@"; do
  case "$argument" in -h|--help) echo "usage: ./scripts/demo.sh [--gold N] [--pool N|all] [--rounds N] [--epochs N] [--target-precision P] [--second-opinion] [--view] [--propagate] [--ablation] [--seed N]"; exit 0;; esac
done

require_commands dotnet
ensure_fashion_mnist
ensure_azurite
ensure_fonts

configuration=${CONFIGURATION:-Release}
run_dir="runs/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"
HOST_PID= WORKER_PID=
cleanup() { stop_trainer_worker; stop_process "$HOST_PID"; stop_azurite; }
trap cleanup EXIT
trap 'exit 130' INT TERM

build_projects "$configuration" "$run_dir/build.log" src/SelfTrain.Host src/SelfTrain.Trainer src/SelfTrain.Demo
demo_dll=src/SelfTrain.Demo/bin/$configuration/net10.0/SelfTrain.Demo.dll

start_azurite
export AzureWebJobsStorage="$AZURITE_CONNECTION_STRING"

port=$(free_port)
Serving__ChampionPollInterval=00:00:01 start_local_host "$port" "$run_dir/host.log"

start_trainer_worker "$TRAINER" "$run_dir/trainer-worker.log"

dotnet "$demo_dll" --host "http://127.0.0.1:$port" --trainer "$TRAINER" --out "$run_dir" "$@"
