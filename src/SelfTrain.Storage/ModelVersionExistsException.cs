namespace SelfTrain.Storage;

/// <summary>A version was written a second time: versions are immutable, so the write is refused.</summary>
public sealed class ModelVersionExistsException(string container, string version)
    : InvalidOperationException($"Model version '{version}' already exists in {container}/; a version is written once and never overwritten.")
{
    public string Version { get; } = version;
}
