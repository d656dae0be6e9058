#!/usr/bin/env bash
# The "can B beat A" experiment on Fashion-MNIST: 2,000 gold images train model A (ResNet18 features + linear
# head); A labels the other 58,000 training images; students are trained on those labels with the noisy-student
# and naive recipes (and, for reference, on the gold images alone); every model is scored on the 10,000 test
# images. Prints one JSON line per model. Takes about an hour on 2 CPU cores.
# Settings (environment): WORK (default runs/experiment), EPOCHS (10), TEACHER_SIZE (64), GOLD (2000), SEED (1),
# PRECISION (0.9, the pseudo-label precision the per-class thresholds aim at), CONFIGURATION (Release).
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

work=${WORK:-$SELFTRAIN_ROOT/runs/experiment}
rm -rf "$work" # a version is written once, so every run starts clean
require_commands dotnet
ensure_fashion_mnist
configuration=${CONFIGURATION:-Release}
log "building the trainer ($configuration)"
dotnet build src/SelfTrain.Trainer -c "$configuration" -m:1 -nologo -clp:ErrorsOnly -v:q >&2
trainer=$SELFTRAIN_ROOT/src/SelfTrain.Trainer/bin/$configuration/net10.0/linux-x64/SelfTrain.Trainer
mkdir -p "$work"

log "model A and its labels ($work)"
"$trainer" experiment-prepare --work "$work" --gold "${GOLD:-2000}" --teacher-size "${TEACHER_SIZE:-64}" \
  --epochs "${EPOCHS:-10}" --seed "${SEED:-1}" --precision "${PRECISION:-0.9}" --threads 2

# The two students train side by side, one core each.
log "training the noisy-student and naive students"
pids=()
for recipe in noisy-student naive; do
  "$trainer" train --job "$work/job-$recipe.json" --shards "$work/shards" --out "$work/models" --device cpu --threads 1 \
    >"$work/train-$recipe.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
log "training the gold-only reference"
"$trainer" train --job "$work/job-supervised.json" --shards "$work/shards" --out "$work/models" --device cpu --threads 2 \
  >"$work/train-supervised.log" 2>&1

cat "$work/teacher.json"; echo
for version in teacher-a student-noisy-student student-naive student-supervised; do
  "$trainer" evaluate --model "$work/models/$version" --threads 2
done | tee "$work/results.jsonl"
