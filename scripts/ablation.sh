#!/usr/bin/env bash
# What each step of the recipe buys, with its spread: runs ./scripts/demo.sh --ablation once per seed (other demo
# arguments pass through, e.g. --rounds 2 or --propagate), then writes the table of accuracy on gold/test as mean ±
# standard deviation to runs/ablation-<timestamp>/ablation.md and prints it as one JSON line. The seed is the
# students'; A and the pool are the same in every run. About 12 minutes a seed on 2 cores with the
# demo's defaults, 14 with --rounds 2.
#   ./scripts/ablation.sh [--seeds 1,2,3] [demo arguments]
set -euo pipefail
source "$(dirname "$0")/lib/prerequisites.sh"
cd "$SELFTRAIN_ROOT"

usage="usage: ./scripts/ablation.sh [--seeds 1,2,3] [demo arguments; see ./scripts/demo.sh --help]"
seeds=1,2,3
demo_arguments=()
while (($#)); do
  case "$1" in
    -h|--help) echo "$usage"; exit 0;;
    --seeds) (($# >= 2)) || die "--seeds needs a value"; seeds=$2; shift 2;;
    --seeds=*) seeds=${1#--seeds=}; shift;;
    --seed|--seed=*|--out|--out=*|--ablation) die "$1 is set by this script ($usage)";;
    *) demo_arguments+=("$1"); shift;;
  esac
done
[[ $seeds =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--seeds must be a comma-separated list of numbers, e.g. 1,2,3"
repeated=$(tr , '\n' <<<"$seeds" | sort | uniq -d | head -n 1)
[[ -z $repeated ]] || die "--seeds names seed $repeated twice"

configuration=${CONFIGURATION:-Release}
out="runs/ablation-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
reports=()
for seed in ${seeds//,/ }; do
  log "ablation, seed $seed"
  summary=$(./scripts/demo.sh --ablation --seed "$seed" "${demo_arguments[@]}" | tail -n 1)
  report=$(sed -n 's/.*"report":"\([^"]*\)".*/\1/p' <<<"$summary")
  [[ -n $report ]] || die "the demo with seed $seed printed no report: $summary"
  reports+=("$(dirname "$report")/report.json")
done
dotnet "src/SelfTrain.Demo/bin/$configuration/net10.0/SelfTrain.Demo.dll" ablation-table --out "$out/ablation.md" "${reports[@]}"
log "ablation table: $out/ablation.md"
