#!/bin/sh
# azd postprovision hook: builds the trainer image in the container registry (a cloud build with `az acr build`, so
# no local Docker is needed) and points the training job at it. The image is tagged with the git commit, so a
# provision without trainer changes reuses the image already pushed. Set SELFTRAIN_SKIP_TRAINER_BUILD=true to keep
# the job's current image. azd passes the provision outputs (AZURE_*) as environment variables.
set -eu

dockerfile=src/SelfTrain.Trainer/Dockerfile
if [ "${SELFTRAIN_SKIP_TRAINER_BUILD:-false}" = "true" ]; then
  echo "postprovision: SELFTRAIN_SKIP_TRAINER_BUILD is set; the trainer job keeps its image."
  exit 0
fi
if [ ! -f "$dockerfile" ]; then
  echo "postprovision: $dockerfile not found; the trainer job keeps its placeholder image."
  exit 0
fi

tag=$(git rev-parse --short=12 HEAD 2>/dev/null || date -u +%Y%m%d%H%M%S)
# Uncommitted changes get their own tag, so the pushed image always matches the sources it was built from.
if [ -n "$(git status --porcelain -- src 2>/dev/null)" ]; then tag="$tag-dirty-$(date -u +%Y%m%d%H%M%S)"; fi
image="$AZURE_CONTAINER_REGISTRY_ENDPOINT/$AZURE_TRAINER_IMAGE_REPOSITORY:$tag"

if az acr manifest show --registry "$AZURE_CONTAINER_REGISTRY_NAME" --name "$AZURE_TRAINER_IMAGE_REPOSITORY:$tag" \
     --only-show-errors >/dev/null 2>&1; then
  echo "postprovision: $image already in the registry."
else
  echo "postprovision: building $image in $AZURE_CONTAINER_REGISTRY_NAME"
  az acr build --registry "$AZURE_CONTAINER_REGISTRY_NAME" --image "$AZURE_TRAINER_IMAGE_REPOSITORY:$tag" \
    --file "$dockerfile" --only-show-errors .
fi

az containerapp job update --name "$AZURE_TRAINER_JOB_NAME" --resource-group "$AZURE_RESOURCE_GROUP" \
  --image "$image" --only-show-errors >/dev/null
# The next `azd provision` deploys the same image instead of the placeholder.
azd env set SELFTRAIN_TRAINER_IMAGE "$image"
echo "postprovision: trainer job $AZURE_TRAINER_JOB_NAME runs $image"
