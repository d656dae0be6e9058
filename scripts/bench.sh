#!/usr/bin/env bash
# Benchmarks, one JSON line each on stdout (build output and progress go to stderr). Each measures against the raw
# engine in the same run.
#   ./scripts/bench.sh training [options]   student training throughput (default architecture, noisy-student recipe
#                                           with augmentation) on real Fashion-MNIST; options go to the trainer, e.g.
#                                           --architecture resnet8 --batches 60 --threads 2. With --peer pytorch, the
#                                           same network, step, batch size and augmentation also run in Debian's
#                                           python3-torch (installed on first use), and the line gives the ratio
#   ./scripts/bench.sh labeling [--images N] [--batch B] [--spinning true|false] [--model DIR]
#                                           labelling engine (PNG → prediction) against raw ONNX Runtime on the same
#                                           decoded tensors, and the end-to-end rate through Azurite
#   ./scripts/bench.sh predict [--requests N] [--clients C] [--model DIR]
#                                           POST /api/predict latency and throughput on loopback against single-image
#                                           raw inference
#   ./scripts/bench.sh predict --load [--connections 64] [--seconds 10] [--model DIR]
#                                           POST /api/predict under wrk (Debian's, installed on first use): requests/s,
#                                           latency percentiles and failures, steady and while the champion is swapped;
#                                           without --model, the small 28 px student (trained once into .tools/models)
#   ./scripts/bench.sh memory [--requests N] [--sides 6300,4800] [--model DIR]
#                                           the local host's resident memory under N concurrent predictions of huge
#                                           single-colour PNGs of each side
#   ./scripts/bench.sh embeddings [--batches N] [--batch B] [--model DIR]
#                                           image embeddings through ImageEmbeddingsClient and the local host's
#                                           /api/inference route against raw ONNX Runtime on the same decoded tensors;
#                                           and the embedding view's time over 20,000 and 58,000 pool embeddings
#   ./scripts/bench.sh fanout [--partitions 1024] [--rows N]
#                                           a round's fan-out over that many label partitions on the local host, empty
#                                           or holding N seeded pool images: seconds from POST /api/rounds to the
#                                           training phase, host peak memory
#   ./scripts/bench.sh storage [--images 10000]
#                                           each storage request of the labelling path (upload, listing, download,
#                                           per-blob mark, label rows, row count) over N PNGs on Azurite: wall seconds
#                                           and CPU ms per image of the client and of the emulator
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

# The small student for the load run: two epochs on 2,000 labelled images, trained on first use.
student_dir() {
  local models="$SELFTRAIN_ROOT/.tools/models" version=bench-student-28px
  if [ ! -f "$models/$version/manifest.json" ]; then
    log "training the benchmark's small student (first use)"
    build src/SelfTrain.Trainer tests/SelfTrain.Benchmarks
    local work
    work=$(mktemp -d)
    "$bench" student-job --out "$work" >&2
    "$trainer" train --job "$work/job.json" --shards "$work" --out "$models" --device cpu >&2
    rm -rf "$work"
  fi
  echo "$models/$version"
}

ensure_wrk() {
  command -v wrk >/dev/null && return
  log "installing wrk (Debian package wrk)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null
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
    peer="" batches=60 threads=$(nproc) architecture=small-cnn repeats=3 trainer_args=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --peer) peer=${2:?--peer needs a value}; shift 2; continue ;;
        --repeats) repeats=${2:?--repeats needs a value}; shift 2; continue ;;
        --batches) batches=$2 ;;
        --threads) threads=${2:?--threads needs a value}; shift 2; continue ;;
        --architecture) architecture=$2 ;;
      esac
      trainer_args+=("$1"); shift
    done
    [ -z "$peer" ] || [ "$peer" = pytorch ] || die "--peer takes pytorch"
    [ -z "$peer" ] || [ "$architecture" = small-cnn ] || die "the PyTorch peer has the small-cnn student only"
    log "building the trainer (Release)"
    build src/SelfTrain.Trainer
    if [ -z "$peer" ]; then "$trainer" bench-training --threads "$threads" "${trainer_args[@]}"; exit 0; fi
    if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
      log "installing PyTorch for the peer (Debian package python3-torch)"
      as_root apt-get update -qq
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
    fi
    # The two take turns, so a busy moment of the machine falls on both; the medians and each pair's ratio are reported.
    runs=()
    for run in $(seq "$repeats"); do
      log "run $run of $repeats: TorchSharp, then the same training step in PyTorch"
      runs+=("$("$trainer" bench-training --threads "$threads" "${trainer_args[@]}")")
      runs+=("$(/usr/bin/python3 "$SELFTRAIN_ROOT/scripts/lib/pytorch_training_peer.py" --data "$FASHION_MNIST_DIR" --batches "$batches" --threads "$threads")")
    done
    /usr/bin/python3 -c 'import json, statistics, sys
runs = [json.loads(line) for line in sys.argv[1:]]
ours, theirs = runs[0::2], runs[1::2]
line = dict(ours[0])
line["imagesPerSecond"] = statistics.median(r["imagesPerSecond"] for r in ours)
line["peer"] = dict(theirs[0], imagesPerSecond=statistics.median(r["imagesPerSecond"] for r in theirs))
line["ratio"] = round(line["imagesPerSecond"] / line["peer"]["imagesPerSecond"], 2)
line["ratios"] = [round(o["imagesPerSecond"] / t["imagesPerSecond"], 2) for o, t in zip(ours, theirs)]
line.pop("wallSeconds", None)
print(json.dumps(line, separators=(",", ":")))' "${runs[@]}"
    ;;
  labeling)
    ensure_azurite
    model=$(model_dir "$@")
    mapfile -t rest < <(without_model "$@")
    build tests/SelfTrain.Benchmarks
    trap stop_azurite EXIT
    start_azurite
    "$bench" labeling --model "$model" --storage "$AZURITE_CONNECTION_STRING" --storage-pid "$AZURITE_PID" "${rest[@]}"
    ;;
  storage)
    ensure_azurite
    build tests/SelfTrain.Benchmarks
    trap stop_azurite EXIT
    start_azurite
    "$bench" storage --storage "$AZURITE_CONNECTION_STRING" --storage-pid "$AZURITE_PID" "$@"
    ;;
  shards)
    ensure_azurite
    build tests/SelfTrain.Benchmarks
    trap stop_azurite EXIT
    start_azurite
    "$bench" shards --storage "$AZURITE_CONNECTION_STRING" "$@"
    ;;
  predict|memory|embeddings|fanout)
    ensure_azurite
    load=""
    if [ "$benchmark" = predict ] && [[ " $* " == *" --load "* ]]; then
      load=1
      ensure_wrk
      mapfile -t arguments < <(printf '%s\n' "$@" | grep -vx -- --load)
      set -- "${arguments[@]}"
    fi
    if [ -n "$load" ] && [[ " $* " != *" --model "* ]]; then model=$(student_dir); else model=$(model_dir "$@"); fi
    mapfile -t rest < <(without_model "$@")
    build tests/SelfTrain.Benchmarks src/SelfTrain.Host
    host_pid=""
    cleanup() { [ -z "$host_pid" ] || { kill "$host_pid" 2>/dev/null; wait "$host_pid" 2>/dev/null || true; }; stop_azurite; }
    trap cleanup EXIT
    start_azurite
    port=$(free_port)
    host_settings=()
    if [ "$benchmark" = fanout ]; then
      partitions=1024 previous=""
      for argument in "$@"; do [ "$previous" = --partitions ] && partitions=$argument; previous=$argument; done
      # The pool is seeded as already labelled: the watcher, which would label it again, waits past the run.
      host_settings=("Storage__LabelPartitions=$partitions" Serving__IncomingPollInterval=12:00:00 Serving__IncomingIdlePollInterval=12:00:00)
    fi
    # One inference thread per request: concurrent requests share the cores instead of contending inside one run.
    AzureWebJobsStorage="$AZURITE_CONNECTION_STRING" Inference__IntraOpThreads=1 Serving__ChampionPollInterval=00:00:01 Telemetry__Exporter=None \
      Logging__LogLevel__Default=Warning env "${host_settings[@]}" \
      dotnet src/SelfTrain.Host/bin/Release/net10.0/SelfTrain.Host.dll --urls "http://127.0.0.1:$port" >&2 &
    host_pid=$!
    if [ "$benchmark" = embeddings ]; then
      "$bench" embeddings --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" "${rest[@]}"
    elif [ "$benchmark" = fanout ]; then
      "$bench" fanout --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" --pid "$host_pid" "${rest[@]}"
    elif [ -n "$load" ]; then
      "$bench" predict-load --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" --wrk "$(command -v wrk)" "${rest[@]}"
    elif [ "$benchmark" = memory ]; then
      "$bench" memory --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" --pid "$host_pid" "${rest[@]}"
    else
      "$bench" predict --model "$model" --url "http://127.0.0.1:$port" --storage "$AZURITE_CONNECTION_STRING" --threads 1 "${rest[@]}"
    fi
    ;;
  *)
    die "usage: $0 training|labeling|predict|memory|embeddings|fanout|storage|shards [options]"
    ;;
esac
