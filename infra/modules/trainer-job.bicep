// The GPU training job: a Container Apps environment with a serverless GPU workload profile, and an event-driven
// Container Apps job that KEDA starts for each message on the training-jobs queue. Nothing runs (or is billed for
// GPU time) while the queue is empty. The job authenticates to storage, to the queue scaler and to the registry with
// its user-assigned identity; logs go to Log Analytics through Azure Monitor, so no workspace key is needed.
import { queues } from '../names.bicep'

@description('Container Apps environment name.')
param environmentName string

@description('Container Apps job name.')
param jobName string

@description('Azure region (must offer the chosen serverless GPU).')
param location string

@description('Resource tags; the job additionally gets azd-service-name.')
param tags { *: string } = {}

@description('Name of the service the job represents (azd tag).')
param serviceName string = 'trainer'

@description('Log Analytics workspace that receives the environment\'s console and system logs.')
param logAnalyticsId string

@description('Serverless GPU workload profile type: NVIDIA T4 (cheaper, 16 GB) or A100 (faster, 80 GB).')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfile string = 'Consumption-GPU-NC8as-T4'

@description('Resource id of the user-assigned identity the job runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('Storage account holding the queues and data.')
param storageAccountName string

@description('Registry login server the image is pulled from with the identity.')
param registryLoginServer string

@description('Application Insights the trainer sends its spans and metrics to, with its identity (local auth is off).')
param applicationInsightsConnectionString string

@description('Trainer image; a public placeholder until the first build is pushed.')
param image string

@description('Longest a training run may take, in seconds, before the replica is stopped.')
@minValue(600)
@maxValue(86400)
param replicaTimeoutSeconds int = 14400

@description('Most training executions at once (each takes one GPU).')
@minValue(1)
@maxValue(10)
param maxExecutions int = 1

// A replica on a serverless GPU profile gets the whole GPU slice: T4 with 8 vCPU / 56 GiB, A100 with 24 vCPU / 220 GiB.
var gpuResources = {
  'Consumption-GPU-NC8as-T4': {
    cpu: 8
    memory: '56Gi'
  }
  'Consumption-GPU-NC24-A100': {
    cpu: 24
    memory: '220Gi'
  }
}
var gpuProfileName = 'gpu'

resource environment 'Microsoft.App/managedEnvironments@2026-07-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfileName
        workloadProfileType: gpuProfile
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: environment
  name: 'logs-to-log-analytics'
  properties: {
    workspaceId: logAnalyticsId
    // Resource-specific tables (ContainerAppConsoleLogs, ContainerAppSystemLogs) rather than AzureDiagnostics.
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

resource job 'Microsoft.App/jobs@2026-07-01' = {
  name: jobName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfileName
    configuration: {
      triggerType: 'Event'
      replicaTimeout: replicaTimeoutSeconds
      // One retry covers a lost spot of capacity; a failing run should not burn GPU hours repeatedly.
      replicaRetryLimit: 1
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      eventTriggerConfig: {
        parallelism: 1
        replicaCompletionCount: 1
        scale: {
          minExecutions: 0
          maxExecutions: maxExecutions
          pollingInterval: 30
          rules: [
            {
              name: 'training-jobs-queue'
              type: 'azure-queue'
              metadata: {
                accountName: storageAccountName
                queueName: queues.trainingJobs
                queueLength: '1'
              }
              // Workload identity for the KEDA scaler: no connection string secret.
              identity: identityId
            }
          ]
        }
      }
    }
    template: {
      containers: [
        {
          name: 'trainer'
          image: image
          resources: gpuResources[gpuProfile]
          env: [
            {
              name: 'AzureWebJobsStorage__accountName'
              value: storageAccountName
            }
            {
              name: 'AzureWebJobsStorage__clientId'
              value: identityClientId
            }
            {
              // Lets DefaultAzureCredential pick the user-assigned identity too.
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              // Names the resource, holds no key: ingestion takes only Entra tokens.
              name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
              value: applicationInsightsConnectionString
            }
          ]
        }
      ]
    }
  }
}

output environmentName string = environment.name
output jobName string = job.name
