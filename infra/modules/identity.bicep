// A user-assigned managed identity. User-assigned (rather than system-assigned) identities exist before the resources
// that use them, so their role assignments are in place by the time those resources first start.

@description('Identity name.')
param name string

@description('Azure region.')
param location string

@description('Resource tags.')
param tags { *: string } = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
