#!/usr/bin/env bash
# Benchmarks, one JSON line each on stdout (build output goes to stderr).
#   ./scripts/bench.sh training   student training throughput (default architecture, noisy-student recipe with
#                                 augmentation) on real Fashion-MNIST; extra arguments go to the trainer, e.g.
#                                 --architecture resnet8 --batches 60 --threads 2
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

benchmark=${1:-}
[ $# -gt 0 ] && shift
case "$benchmark" in
  training)
    require_commands dotnet
    ensure_fashion_mnist
    log "building the trainer (Release)"
    dotnet build src/SelfTrain.Trainer -c Release -m:1 -nologo -clp:ErrorsOnly -v:q >&2
    trainer=src/SelfTrain.Trainer/bin/Release/net10.0/linux-x64/SelfTrain.Trainer
    "$trainer" bench-training "$@"
    ;;
  *)
    die "usage: $0 training [trainer options]"
    ;;
esac
