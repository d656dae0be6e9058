// Optional Durable Functions backend: a Durable Task Scheduler (managed, consumption SKU) with one task hub, which
// the Functions app reaches with its managed identity instead of running the task hub on the storage account.
import { roles } from '../roles.bicep'

@description('Scheduler name.')
param name string

@description('Task hub name; must match the hub name the Functions app uses (host.json).')
param taskHubName string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string } = {}

@description('Principal id of the Functions app identity.')
param principalId string

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'Consumption'
    }
    ipAllowlist: [
      '0.0.0.0/0'
    ]
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2026-02-01' = {
  parent: scheduler
  name: taskHubName
}

resource dataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: taskHub
  name: guid(taskHub.id, principalId, roles.durableTaskDataContributor)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.durableTaskDataContributor)
  }
}

output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
