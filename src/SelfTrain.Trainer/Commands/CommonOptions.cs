using System.CommandLine;

namespace SelfTrain.Trainer.Commands;

/// <summary>
/// Options several commands take, each validated while parsing: a bad value is a usage error (exit code 2) before any
/// work starts. One instance per command, as every command owns its options.
/// </summary>
internal static class CommonOptions
{
    public static Option<int> Threads() =>
        Positive("--threads", "CPU threads for libtorch and ONNX Runtime", Environment.ProcessorCount);

    public static Option<string> Device()
    {
        var option = new Option<string>("--device") { Description = "where training runs: auto (CUDA when present), cpu or cuda", DefaultValueFactory = _ => "auto" };
        option.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        return option;
    }

    public static Option<int> Positive(string name, string description, int fallback)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        Require(option, value => value >= 1, $"{name} must be at least 1.");
        return option;
    }

    /// <summary>A share in (0, 1].</summary>
    public static Option<double> Fraction(string name, string description, double fallback)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => fallback };
        Require(option, value => value is > 0 and <= 1, $"{name} must be in (0, 1].");
        return option;
    }

    /// <summary>Adds a range check; a value that is not a <typeparamref name="T"/> at all is left to the parser, which reports it.</summary>
    public static void Require<T>(Option<T> option, Func<T, bool> valid, string problem) =>
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>()!;
            }
            catch (InvalidOperationException)
            {
                return; // the conversion error is already on the parse result
            }
            if (!valid(value)) result.AddError(problem);
        });

    public static Option<string> RequiredPath(string name, string description) => new(name) { Description = description, Required = true };
}
