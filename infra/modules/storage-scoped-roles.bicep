// Grants one principal built-in data roles on single blob containers and queues of the storage account, never on the
// account itself: the principal can touch exactly what it is given.

@description('Name of the storage account that holds the containers and queues.')
param storageAccountName string

@description('Object (principal) id of the identity.')
param principalId string

@description('Kind of principal; lets the assignment succeed before the identity has replicated in Entra ID.')
@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string = 'ServicePrincipal'

@description('Roles on blob containers: the container name and a built-in role definition id (GUID).')
param containerRoles { container: string, roleDefinitionId: string }[] = []

@description('Roles on queues: the queue name and a built-in role definition id (GUID).')
param queueRoles { queue: string, roleDefinitionId: string }[] = []

resource account 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-08-01' existing = {
  parent: account
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-08-01' existing = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-08-01' existing = [
  for grant in containerRoles: {
    parent: blobService
    name: grant.container
  }
]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-08-01' existing = [
  for grant in queueRoles: {
    parent: queueService
    name: grant.queue
  }
]

resource containerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in containerRoles: {
    scope: containers[i]
    name: guid(containers[i].id, principalId, grant.roleDefinitionId)
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleDefinitionId)
    }
  }
]

resource queueAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (grant, i) in queueRoles: {
    scope: queues[i]
    name: guid(queues[i].id, principalId, grant.roleDefinitionId)
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', grant.roleDefinitionId)
    }
  }
]
