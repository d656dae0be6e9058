namespace SelfTrain.Storage;

/// <summary>A version's bytes are not the ones its manifest records: it is refused wherever it would be loaded.</summary>
public sealed class ModelIntegrityException(string version, string detail)
    : Exception($"Model version '{version}' is refused: {detail}.")
{
    public string Version { get; } = version;
}
