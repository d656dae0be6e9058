// The names the code and the infrastructure share. Modules import them from here so a rename happens in one place,
// and they appear as variables in the compiled templates, where tests compare them with the Functions app's metadata.

@export()
@description('Blob containers of the one storage account.')
var containers = {
  incoming: 'incoming'
  quarantine: 'quarantine'
  models: 'models'
  // The trainer's output: the only container its identity may write; a promotion copies a validated one to models.
  candidates: 'candidates'
  shards: 'shards'
  gold: 'gold'
  runs: 'runs'
  // Image embeddings per embedding model and partition, written by the round's embedding step.
  embeddings: 'embeddings'
  // Event Grid's dead-lettered blob events, which the sweep function drains into labels.
  deadLetters: 'incoming-deadletter'
}

@export()
@description('Storage queues: the round posts training jobs, the trainer posts results.')
var queues = {
  trainingJobs: 'training-jobs'
  trainingResults: 'training-results'
}

@export()
@description('Storage tables.')
var tables = {
  labels: 'labels'
}

@export()
@description('Functions the infrastructure wires to by name.')
var functions = {
  // Blob trigger on incoming/, fed by Event Grid through the blobs extension webhook.
  labelImage: 'LabelImage'
}

@export()
@description('The Durable Functions task hub (also set in host.json).')
var taskHubName = 'SelfTrain'

@export()
@description('The trainer image repository in the container registry.')
var trainerRepository = 'selftrain-trainer'
