// Built-in Azure role definition ids (the same GUID in every tenant), named for readability.

@export()
@description('Built-in role definition ids used by the role assignments.')
var roles = {
  // Storage Blob Data Owner: read, write, delete blobs and set their ACLs; the Functions host needs it for the
  // blob trigger's receipts and leases and for the Flex Consumption deployment package.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Storage Blob Data Contributor: read, write and delete blobs.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // Storage Blob Data Reader: read and list blobs.
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  // Storage Queue Data Message Sender: add messages to a queue, nothing else.
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a'
  // Storage Queue Data Contributor: read, add, update and delete queue messages and read queue metadata.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Storage Table Data Contributor: read, write and delete table entities.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // AcrPull: pull images from a container registry.
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  // Monitoring Metrics Publisher: send telemetry to an Application Insights resource with local auth disabled.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
