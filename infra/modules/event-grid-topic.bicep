// Event Grid system topic for the storage account's blob events. The LabelImage blob trigger uses the Event Grid
// source (no container polling), so a new image in incoming/ reaches the app within seconds even from zero instances.

@description('System topic name.')
param name string

@description('Azure region (that of the storage account).')
param location string

@description('Resource tags.')
param tags { *: string } = {}

@description('Resource id of the storage account whose events the topic publishes.')
param storageAccountId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  tags: tags
  // Writes events that could not be delivered to the dead-letter container, with no key.
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
output principalId string = topic.identity.principalId
