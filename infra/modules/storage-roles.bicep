// Grants one principal a set of built-in data roles on the storage account (and nothing wider).

@description('Name of the storage account the roles apply to.')
param storageAccountName string

@description('Object (principal) id of the identity or user.')
param principalId string

@description('Kind of principal; lets the assignment succeed before the identity has replicated in Entra ID.')
@allowed([
  'ServicePrincipal'
  'User'
  'Group'
])
param principalType string = 'ServicePrincipal'

@description('Built-in role definition ids (GUIDs) to grant.')
param roleDefinitionIds string[]

resource account 'Microsoft.Storage/storageAccounts@2025-08-01' existing = {
  name: storageAccountName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleDefinitionIds: {
    scope: account
    name: guid(account.id, principalId, roleId)
    properties: {
      principalId: principalId
      principalType: principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
