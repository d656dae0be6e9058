namespace SelfTrain.Host;

/// <summary>
/// Who may call the operator routes of the local host (section "Operator"). The key is a secret: pass it in the
/// environment (<c>Operator__Key</c>), never in a file.
/// </summary>
public sealed record OperatorAccessOptions
{
    public const string Section = "Operator";
    public const int MinimumKeyLength = 32;

    /// <summary>The key operators send in <c>x-functions-key</c>; null: operator routes are open on loopback and refused elsewhere.</summary>
    public string? Key { get; init; }

    public IReadOnlyList<string> Problems() =>
        Key is { } key && key.Length < MinimumKeyLength
            ? [$"{Section}:Key has {key.Length} characters; an operator key needs at least {MinimumKeyLength} (e.g. `openssl rand -hex 32`)"]
            : [];
}
