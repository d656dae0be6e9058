// The Azure Functions app on the Flex Consumption plan (scales to zero, per-second billing). Every connection is
// identity-based through one user-assigned identity: storage (AzureWebJobsStorage, the Durable task hub, the blob
// trigger), the deployment package and Application Insights. No app setting holds a key.

@description('Function app name; also its default host name.')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Resource tags; the app additionally gets azd-service-name.')
param tags { *: string } = {}

@description('Name of the service in azure.yaml that deploys to this app.')
param serviceName string = 'functions'

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account name for AzureWebJobsStorage and the data.')
param storageAccountName string

@description('Blob container (in that account) that holds the deployment package.')
param deploymentContainerName string

@description('Application Insights connection string (an ingestion endpoint, not a secret: local auth is disabled).')
param applicationInsightsConnectionString string

@description('.NET version of the isolated worker.')
@allowed([
  '10.0'
])
param dotnetVersion string = '10.0'

@description('Memory of each instance in MB; labelling runs ONNX Runtime on a CNN and a ResNet18 backbone.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the plan may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Extra app settings (e.g. the gate floor); must hold no keys.')
param extraAppSettings { *: string } = {}

resource storage 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }
}

// Publishing with basic credentials (FTP, SCM user/password) is off; azd deploys with an Entra ID token.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(
    {
      // AzureWebJobsStorage through the user-assigned identity: the host, the blob and queue triggers, the Durable
      // Azure Storage backend and the app's own StorageAccount read these three settings.
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
      // The front page is the operators' dashboard (host.json's route prefix is empty), not the runtime's welcome page.
      AzureWebJobsDisableHomepage: 'true'
    },
    extraAppSettings
  )
}

output id string = functionApp.id
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
