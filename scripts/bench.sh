#!/usr/bin/env bash
# Benchmarks, one JSON line each on stdout (build output and progress go to stderr). Each measures against the raw
# engine in the same run.
#   ./scripts/bench.sh training [options]   student training throughput (default architecture, noisy-student recipe
#                                           with augmentation) on real Fashion-MNIST; options go to the trainer, e.g.
#                                           --architecture resnet8 --batches 60 --threads 2
#   ./scripts/bench.sh labeling [--images N] [--batch B] [--model DIR]
#                                           labelling engine (PNG → prediction) against raw ONNX Runtime on the same
#                                           decoded tensors, and the end-to-end rate through Azurite
#   ./scripts/bench.sh predict [--requests N] [--clients C] [--model DIR]
#                                           POST /api/predict latency and throughput on loopback against single-image
#                                           raw inference
#   ./scripts/bench.sh memory [--requests N] [--sides 6300,4800] [--model DIR]
#                                           the local host's resident memory under N concurrent predictions of huge
#                                           single-colour PNGs of each side
#   ./scripts/bench.sh embeddings [--batches N] [--batch B] [--model DIR]
#                                           image embeddings through ImageEmbeddingsClient and the local host's
#                                           /api/inference route against raw ONNX Runtime on the same decoded tensors;
#                                           and the embedding view's time over 20,000 and 58,000 pool embeddings
#   ./scripts/bench.sh shards [--rows N]    one shard step over a partition of N label rows (default 200,000): time and
#                                           peak resident memory
# Without --model, model A (transfer-learned on 2,000 Fashion-MNIST images, 64 px) is built once into .tools/models.
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

trainer=src/SelfTrain.Trainer/bin/Release/net10.0/linux-x64/SelfTrain.Trainer
bench=tests/SelfTrain.Benchmarks/bin/Release/net10.0/SelfTrain.Benchmarks

build() { for project in "$@"; do dotnet build "$project" -c Release -m:1 -nologo -clp:ErrorsOnly -v:q >&2; done; }

# The model to measure: --model DIR if given, else model A, trained on first use.
model_dir() {
  local previous=""
  for argument in "$@"; do
    if [ "$previous" = "--model" ]; then echo "$argument"; return; fi
    previous=$argument
  done
  local default="$SELFTRAIN_ROOT/.tools/models/teacher-a-64px"
  if [ ! -f "$default/manifest.json" ]; then
    log "training model A (first use)"
    build src/SelfTrain.Trainer
    "$trainer" teacher --gold 2000 --test 500 --sizes 64 --out "$SELFTRAIN_ROOT/.tools/models" >&2
  fi
  echo "$default"
}

without_model() { # the arguments without "--model DIR"
  local skip=0
  for argument in "$@"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    if [ "$argument" = "--model" ]; then skip=1; continue; fi
    printf '%s\n' "$argument"
  done
}

benchmark=${1:-}
[ $# -gt 0 ] && shift
require_commands dotnet
ensure_fashion_mnist
case "$benchmark" in
  training)
    log "building the trainer (Release)"
    build src/SelfTrain.Trainer
    "$trainer" bench-training "$@"
    ;;
  labeling)
    ensure_azurite
    model=$(model_dir "$@")
    mapfile -t rest < <(without_model "$@")
    build tests/SelfTrain.Benchmarks
    trap stop_azurite EXIT
    start_azurite
    "$bench" labeling --model "$model" --storage "$AZURITE_CONNECTION_STRING" "${rest[@]}"
    ;;
  shards)
    ensure_azurite
    build tests/SelfTrain.Benchmarks
    trap stop_azurite EXIT
    start_azurite
    "$bench" shards --storage "$AZURITE_CONNECTION_STRING" "$@"
    ;;
  predict|memory|embeddings)
    ensure_azurite
    model=$(model_dir "$@")
    mapfile -t rest < <(without_model "$@")
    build tests/SelfTrain.Benchmarks src/SelfTrain.Host
    host_pid=""
    cleanup() { [ -z "$host_pid" ] || { kill "$host_pid" 2>/dev/null; wait "$host_pid" 2>/dev/null || true; }; stop_azurite; }
    trap cleanup EXIT
    start_azurite
    port=$(free_port)
    # One inference thread per request: concurrent requests share the cores instead of contending inside one run.
    AzureWebJobsStorage="$AZURITE_CONNECTION_STRING" Inference__IntraOpThreads=1 Serving__ChampionPollInterval=00:00:01 Telemetry__Exporter=None \
      Logging__LogLevel__Default=Warning \
      dotnet src/SelfTrain.Host/bin/Release/net10.0/SelfTrain.Host.dll --urls "http://127.0.0.1:$port" >&2 &
    host_pid=$!
    if [ "$benchmark" = embeddings ]; then
      "$bench" embeddings --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" "${rest[@]}"
    elif [ "$benchmark" = memory ]; then
      "$bench" memory --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" --pid "$host_pid" "${rest[@]}"
    else
      "$bench" predict --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" --threads 1 "${rest[@]}"
    fi
    ;;
  *)
    die "usage: $0 training|labeling|predict|memory|embeddings|shards [options]"
    ;;
esac
