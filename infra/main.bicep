// SelfTrain on Azure: the Functions app (Flex Consumption), the GPU training job (Container Apps, serverless GPU),
// the one storage account they share, Event Grid for the blob trigger, monitoring and the container registry.
// Every connection uses a user-assigned managed identity; the storage account accepts no shared keys.
targetScope = 'subscription'

import { containers, functions, queues, tables, trainerRepository } from 'names.bicep'
import { roles } from 'roles.bicep'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource. It must offer Flex Consumption and the chosen serverless GPU.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user or service principal, granted data roles for seeding; empty for none.')
param principalId string = ''

@description('Kind of the deploying principal.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Serverless GPU for the trainer: NVIDIA T4 (cheaper) or A100 (faster).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfile string = 'Consumption-GPU-NC8as-T4'

@description('Trainer image. A public placeholder until the postprovision hook pushes the real image to the registry.')
param trainerImage string = 'mcr.microsoft.com/k8se/quickstart-jobs:latest'

@description('Most trainer executions at once, each on its own GPU.')
@minValue(1)
@maxValue(10)
param trainerMaxExecutions int = 1

@description('Create the Event Grid subscription to the LabelImage webhook. Needs the app code deployed first (the webhook key exists only then); the postdeploy hook sets it.')
param deployEventSubscription bool = false

@description('The promotion gate floor: a round may ask for a stricter gate, never a laxer one (McNemar alpha, minimum accuracy gain, largest allowed per-class recall drop).')
param gateFloor { alpha: string, minimumGain: string, maximumRecallDrop: string } = {
  alpha: '0.05'
  minimumGain: '0.005'
  maximumRecallDrop: '0.05'
}

@description('The image-embeddings endpoint of the round\'s embedding view (Azure AI Model Inference contract: /info and /images/embeddings); empty leaves the view off. The app calls it as its managed identity: with a Microsoft Entra token for tokenScope, or with the key kept in the Key Vault secret keySecretUri (grant the identity Key Vault Secrets User on that secret). No key sits in a setting.')
param embeddings { endpoint: string, keySecretUri: string, tokenScope: string } = {
  endpoint: ''
  keySecretUri: ''
  tokenScope: 'https://ml.azure.com/.default'
}

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var systemTopicName = '${abbrs.eventGridSystemTopics}${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'
var eventSubscriptionName = '${containers.incoming}-to-${toLower(functions.labelImage)}'

// Least privilege on the one storage account. The Functions host's roles are account-wide because the host creates
// and names its own containers, queues and tables at run time: blob trigger receipts and leases and the host keys
// (Blob Data Owner, as Flex Consumption's deployment package needs), the Durable task hub's control and work-item
// queues, history and instance tables, and the blob trigger's poison queue; the pipeline's data lives beside them.
// The trainer, which runs third-party code (libtorch) on a GPU, gets only what a training job touches, each on its
// own container or queue: it reads shards and job files, writes candidates (nothing it writes can serve before the
// gate copies it to models), takes jobs (Queue Data Contributor on training-jobs: receive, renew, delete, and the
// scaler's length reads) and sends results (Message Sender on training-results). It cannot reach models/,
// champion.json, the deployment package, the host keys or the Durable queues.
var functionAppStorageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]
var trainerContainerRoles = [
  {
    container: containers.shards
    roleDefinitionId: roles.storageBlobDataReader
  }
  {
    container: containers.runs
    roleDefinitionId: roles.storageBlobDataReader
  }
  {
    container: containers.candidates
    roleDefinitionId: roles.storageBlobDataContributor
  }
]
var trainerQueueRoles = [
  {
    queue: queues.trainingJobs
    roleDefinitionId: roles.storageQueueDataContributor
  }
  {
    queue: queues.trainingResults
    roleDefinitionId: roles.storageQueueDataMessageSender
  }
]
var deployerStorageRoles = [
  roles.storageBlobDataContributor
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource resourceGroup 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module functionIdentity 'modules/identity.bicep' = {
  scope: resourceGroup
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}func-${resourceToken}'
    location: location
    tags: tags
  }
}

module trainerIdentity 'modules/identity.bicep' = {
  scope: resourceGroup
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}trainer-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: resourceGroup
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module functionStorageAccess 'modules/storage-roles.bicep' = {
  scope: resourceGroup
  params: {
    storageAccountName: storageAccountName
    principalId: functionIdentity.outputs.principalId
    roleDefinitionIds: functionAppStorageRoles
  }
  dependsOn: [
    storage
  ]
}

module trainerStorageAccess 'modules/storage-scoped-roles.bicep' = {
  scope: resourceGroup
  params: {
    storageAccountName: storageAccountName
    principalId: trainerIdentity.outputs.principalId
    containerRoles: trainerContainerRoles
    queueRoles: trainerQueueRoles
  }
  dependsOn: [
    storage
  ]
}

module deployerStorageAccess 'modules/storage-roles.bicep' = if (!empty(principalId)) {
  scope: resourceGroup
  params: {
    storageAccountName: storageAccountName
    principalId: principalId
    principalType: principalType
    roleDefinitionIds: deployerStorageRoles
  }
  dependsOn: [
    storage
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  scope: resourceGroup
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    publisherPrincipalIds: [
      functionIdentity.outputs.principalId
      trainerIdentity.outputs.principalId
    ]
  }
}

module functionApp 'modules/function-app.bicep' = {
  scope: resourceGroup
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: functionIdentity.outputs.id
    identityClientId: functionIdentity.outputs.clientId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    extraAppSettings: union(
      {
        Gate__Alpha: gateFloor.alpha
        Gate__MinimumGain: gateFloor.minimumGain
        Gate__MaximumRecallDrop: gateFloor.maximumRecallDrop
      },
      empty(embeddings.endpoint) ? {} : { Embeddings__Endpoint: embeddings.endpoint, Embeddings__TokenScope: embeddings.tokenScope },
      empty(embeddings.keySecretUri) ? {} : { Embeddings__KeySecretUri: embeddings.keySecretUri }
    )
  }
  // The host reaches storage (and the deployment container) on its first start; the roles must be in place by then.
  dependsOn: [
    storage
    functionStorageAccess
  ]
}

module registry 'modules/registry.bicep' = {
  scope: resourceGroup
  params: {
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
    location: location
    tags: tags
    pullerPrincipalIds: [
      trainerIdentity.outputs.principalId
    ]
  }
}

module trainer 'modules/trainer-job.bicep' = {
  scope: resourceGroup
  params: {
    environmentName: '${abbrs.appManagedEnvironments}${resourceToken}'
    jobName: '${abbrs.appContainerAppsJobs}trainer-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    gpuProfile: gpuProfile
    identityId: trainerIdentity.outputs.id
    identityClientId: trainerIdentity.outputs.clientId
    storageAccountName: storageAccountName
    registryLoginServer: registry.outputs.loginServer
    image: trainerImage
    maxExecutions: trainerMaxExecutions
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
  }
  // The queue scaler and the image pull authenticate with the identity from the first poll.
  dependsOn: [
    trainerStorageAccess
  ]
}

module eventGridTopic 'modules/event-grid-topic.bicep' = {
  scope: resourceGroup
  params: {
    name: systemTopicName
    location: location
    tags: tags
    storageAccountId: storage.outputs.id
  }
}

// The topic's identity writes undeliverable events to the dead-letter container, and nowhere else.
module eventGridDeadLetterAccess 'modules/storage-scoped-roles.bicep' = {
  scope: resourceGroup
  params: {
    storageAccountName: storageAccountName
    principalId: eventGridTopic.outputs.principalId
    containerRoles: [
      {
        container: containers.deadLetters
        roleDefinitionId: roles.storageBlobDataContributor
      }
    ]
  }
}

module blobEventSubscription 'modules/blob-event-subscription.bicep' = if (deployEventSubscription) {
  scope: resourceGroup
  params: {
    systemTopicName: systemTopicName
    subscriptionName: eventSubscriptionName
    functionAppName: functionAppName
    storageAccountName: storageAccountName
  }
  dependsOn: [
    eventGridTopic
    eventGridDeadLetterAccess
    functionApp
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_PRINCIPAL_ID string = functionIdentity.outputs.principalId
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = trainer.outputs.environmentName
output AZURE_TRAINER_JOB_NAME string = trainer.outputs.jobName
output AZURE_TRAINER_IMAGE_REPOSITORY string = trainerRepository
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGridTopic.outputs.name
output AZURE_EVENTGRID_SUBSCRIPTION_NAME string = eventSubscriptionName
output SELFTRAIN_FUNCTION_LABEL_IMAGE string = functions.labelImage
output SELFTRAIN_CONTAINER_INCOMING string = containers.incoming
output SELFTRAIN_CONTAINER_GOLD string = containers.gold
output SELFTRAIN_CONTAINER_MODELS string = containers.models
output SELFTRAIN_CONTAINER_DEAD_LETTERS string = containers.deadLetters
output SELFTRAIN_QUEUE_TRAINING_JOBS string = queues.trainingJobs
output SELFTRAIN_TABLE_LABELS string = tables.labels
