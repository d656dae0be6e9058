#!/bin/sh
# azd postdeploy hook: subscribes the LabelImage blob trigger to BlobCreated events in incoming/. Event Grid calls
# the Functions host's blobs extension webhook with the host's blobs_extension system key, which exists only once
# the deployed code has started; so this runs after deploy, waits for the key, creates (or updates) the
# subscription, and records that the Bicep template may now manage it (SELFTRAIN_DEPLOY_EVENT_SUBSCRIPTION).
set -eu

app="$AZURE_FUNCTION_APP_NAME"
group="$AZURE_RESOURCE_GROUP"

key=""
attempt=0
while [ -z "$key" ] && [ $attempt -lt 30 ]; do
  # Listing the keys also wakes the host, which creates the extension key on start.
  key=$(az functionapp keys list --name "$app" --resource-group "$group" \
          --query systemKeys.blobs_extension --output tsv --only-show-errors 2>/dev/null || true)
  if [ -z "$key" ]; then attempt=$((attempt + 1)); sleep 10; fi
done
if [ -z "$key" ]; then
  echo "postdeploy: the blobs_extension key of $app did not appear; is LabelImage deployed with an Event Grid source?" >&2
  exit 1
fi

endpoint="https://$(az functionapp show --name "$app" --resource-group "$group" --query defaultHostName --output tsv)"
endpoint="$endpoint/runtime/webhooks/blobs?functionName=Host.Functions.$SELFTRAIN_FUNCTION_LABEL_IMAGE&code=$key"

# Undeliverable events go to the dead-letter container (written with the topic's identity), where the sweep reads them.
storage_id=$(az storage account show --name "$AZURE_STORAGE_ACCOUNT_NAME" --resource-group "$group" --query id --output tsv)

# Event Grid validates the webhook (the host answers the handshake) before the subscription is created.
az eventgrid system-topic event-subscription create \
  --name "$AZURE_EVENTGRID_SUBSCRIPTION_NAME" \
  --resource-group "$group" \
  --system-topic-name "$AZURE_EVENTGRID_SYSTEM_TOPIC_NAME" \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$SELFTRAIN_CONTAINER_INCOMING/" \
  --max-events-per-batch 1 \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --deadletter-identity systemassigned \
  --deadletter-identity-endpoint "$storage_id/blobServices/default/containers/$SELFTRAIN_CONTAINER_DEAD_LETTERS" \
  --only-show-errors >/dev/null

azd env set SELFTRAIN_DEPLOY_EVENT_SUBSCRIPTION true
echo "postdeploy: $AZURE_EVENTGRID_SUBSCRIPTION_NAME delivers BlobCreated in $SELFTRAIN_CONTAINER_INCOMING/ to $SELFTRAIN_FUNCTION_LABEL_IMAGE"
