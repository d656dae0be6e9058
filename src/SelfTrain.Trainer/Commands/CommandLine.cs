namespace SelfTrain.Trainer.Commands;

/// <summary>"--name value" options after a command word.</summary>
public sealed class CommandLine(IReadOnlyList<string> args)
{
    public string? Get(string name)
    {
        for (var i = 0; i < args.Count - 1; i++)
            if (args[i] == "--" + name) return args[i + 1];
        return null;
    }

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => args.Contains("--" + name);
}
