// Subscribes the LabelImage blob trigger to BlobCreated events under incoming/. Event Grid posts to the Functions
// host's blobs extension webhook, authenticated by the host's blobs_extension system key. That key exists only once
// the app's code (with an Event Grid-sourced blob trigger) has started, so main.bicep deploys this module only when
// asked to, and the azd postdeploy hook creates the same subscription after the first code deployment.
import { containers, functions } from '../names.bicep'

@description('Name of the Event Grid system topic on the storage account.')
param systemTopicName string

@description('Name of the event subscription.')
param subscriptionName string

@description('Name of the Functions app that hosts the blob trigger.')
param functionAppName string

@description('Storage account that holds the dead-letter container.')
param storageAccountName string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' existing = {
  name: systemTopicName
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

// The Functions host's keys (the host resource has no Bicep types, hence the plain list function).
var hostKeys = listKeys('${functionApp.id}/host/default', '2025-03-01')

// The isolated worker's functions are known to the host as Host.Functions.<name>.
var webhookUrl = 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functions.labelImage}&code=${hostKeys.systemKeys.blobs_extension}'

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${containers.incoming}/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    // An event that cannot be delivered within those attempts is kept, not dropped: the sweep function reads it.
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storageAccount.id
          blobContainerName: containers.deadLetters
        }
      }
    }
  }
}

output name string = subscription.name
