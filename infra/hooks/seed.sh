#!/bin/sh
# Seeds a deployed environment from local folders, with the signed-in user's Entra ID identity (the storage account
# accepts no keys; provisioning granted the deploying user blob data access):
#   infra/hooks/seed.sh GOLD_DIR [MODELS_DIR]
# GOLD_DIR is laid out like the gold container (train/, validation/, test/); MODELS_DIR like the models container
# ({version}/model.onnx, {version}/manifest.json, champion.json), so the first champion serves at once.
# Existing blobs are kept unless SELFTRAIN_SEED_OVERWRITE=true. Reads the environment with `azd env get-values`.
set -eu

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 GOLD_DIR [MODELS_DIR]" >&2
  exit 2
fi
eval "$(azd env get-values)"
overwrite="${SELFTRAIN_SEED_OVERWRITE:-false}"

upload() { # local folder, container, file pattern
  echo "seed: $1/$3 -> $AZURE_STORAGE_ACCOUNT_NAME/$2"
  az storage blob upload-batch --auth-mode login --account-name "$AZURE_STORAGE_ACCOUNT_NAME" \
    --destination "$2" --source "$1" --pattern "$3" --overwrite "$overwrite" --only-show-errors --output none
}

upload "$1" "$SELFTRAIN_CONTAINER_GOLD" '*'
if [ $# -ge 2 ]; then
  [ -f "$2/champion.json" ] || { echo "seed: $2 has no champion.json" >&2; exit 2; }
  # Model versions first, the pointer last: champion.json never names a model that is not there yet.
  upload "$2" "$SELFTRAIN_CONTAINER_MODELS" '*/*'
  upload "$2" "$SELFTRAIN_CONTAINER_MODELS" 'champion.json'
fi
