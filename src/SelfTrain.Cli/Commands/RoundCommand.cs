using System.CommandLine;
using SelfTrain.Client;
using SelfTrain.Core.Training;
using Spectre.Console;

namespace SelfTrain.Cli.Commands;

/// <summary>
/// <c>selftrain round start|show|follow|terminate</c>. A setting left out is the host's default (docs/rounds.md); the
/// host checks every setting and lists each problem, so this command checks none itself.
/// </summary>
public static class RoundCommand
{
    public static Command Create(Connection connection, IAnsiConsole console) =>
        new("round", "Run a self-training round and follow it: calibrate, build shards, train, validate, gate, promote.")
        {
            Start(connection, console), Show(connection, console), Follow(connection, console), Terminate(connection, console),
        };

    private static Command Start(Connection connection, IAnsiConsole console)
    {
        var settings = new RoundSettings();
        var detach = new Option<bool>("--detach") { Description = "print the round's id and return instead of following it" };
        var command = new Command("start", "Start a round with the given settings (every one optional) and follow it until it ends.") { detach };
        foreach (var option in settings.All) command.Options.Add(option);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var api = connection.Api(parse);
            var id = await api.StartRoundAsync(settings.Request(parse), cancellationToken);
            console.MarkupLineInterpolated($"round [bold]{id}[/] started");
            return parse.GetValue(detach) ? 0 : await FollowAsync(api, id, console, cancellationToken);
        });
        return command;
    }

    private static Argument<string> Id() => new("id") { Description = "the round's id, as 'round start' printed it" };

    private static Command Show(Connection connection, IAnsiConsole console)
    {
        var id = Id();
        var command = new Command("show", "Show a round's status, or how it ended and why.") { id };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var round = await connection.Api(parse).GetRoundAsync(parse.GetValue(id)!, cancellationToken);
            return round.Ended ? RoundReport.Write(console, round) : Progress(console, round);
        });
        return command;
    }

    private static Command Follow(Connection connection, IAnsiConsole console)
    {
        var id = Id();
        var command = new Command("follow", "Follow a round with a live progress display until it ends.") { id };
        command.SetAction((parse, cancellationToken) => FollowAsync(connection.Api(parse), parse.GetValue(id)!, console, cancellationToken));
        return command;
    }

    private static Command Terminate(Connection connection, IAnsiConsole console)
    {
        var id = Id();
        var reason = new Option<string?>("--reason") { Description = "why, shown in the round's status" };
        var command = new Command("terminate", "Stop a running round; the champion keeps serving.") { id, reason };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await connection.Api(parse).TerminateRoundAsync(parse.GetValue(id)!, parse.GetValue(reason), cancellationToken);
            console.MarkupLineInterpolated($"round {parse.GetValue(id)} is being terminated");
            return 0;
        });
        return command;
    }

    private static async Task<int> FollowAsync(SelfTrainClient api, string id, IAnsiConsole console, CancellationToken cancellationToken)
    {
        RoundView? ended = null;
        await console.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"round {id}: starting");
                ended = await api.FollowRoundAsync(id, round =>
                {
                    if (round.CustomStatus is not { } status) return;
                    task.Description = Markup.Escape($"round {status.Round}: {status.Phase}{(status.Total > 0 ? $" {status.Done}/{status.Total}" : "")}" +
                        (status.Detail is null ? "" : $" ({status.Detail})"));
                    task.MaxValue = Math.Max(status.Total, 1);
                    task.Value = status.Done;
                }, cancellationToken);
                task.Value = task.MaxValue;
            });
        // A promotion is done when the host serves it: it follows the champion pointer within seconds.
        if (ended!.Completed is { Promoted: true } result) await api.WaitForChampionAsync(result.Champion, TimeSpan.FromSeconds(60), cancellationToken);
        return RoundReport.Write(console, ended);
    }

    private static int Progress(IAnsiConsole console, RoundView round)
    {
        var status = round.CustomStatus;
        var phase = status is null ? "" : $", round {status.Round} {status.Phase} {status.Done}/{status.Total}{(status.Detail is null ? "" : $" ({status.Detail})")}";
        console.MarkupLineInterpolated($"round [bold]{round.Id}[/]: {round.Status}{phase}");
        return 0;
    }

    /// <summary>Every round setting as an option; only the ones given are sent, so the host's defaults apply to the rest.</summary>
    private sealed class RoundSettings
    {
        private readonly Option<string?> _architecture = new("--architecture")
        {
            Description = $"the student network ({string.Join(", ", StudentArchitectures.All.Select(a => a.Name))}; default: picked for the input size and channels)",
        };
        private readonly Option<int?> _inputSize = new("--input-size") { Description = "side of the student's square input in px (default: the teacher's, at most 64)" };
        private readonly Option<int?> _channels = new("--channels") { Description = "1 (gray) or 3 (RGB) student channels (default: the teacher's)" };
        private readonly Option<int?> _epochs = new("--epochs") { Description = "training epochs (default 10)" };
        private readonly Option<int?> _batchSize = new("--batch-size") { Description = "training batch size (default 128)" };
        private readonly Option<double?> _targetPrecision = new("--target-precision") { Description = "precision accepted pseudo-labels must reach on gold/validation (default 0.95)" };
        private readonly Option<double?> _goldShare = new("--gold-share") { Description = "share of each batch drawn from gold/train (default 0.25)" };
        private readonly Option<string?> _recipe = new("--recipe") { Description = $"{string.Join(", ", Recipes.All)} (default {Recipes.NoisyStudent})" };
        private readonly Option<int?> _seed = new("--seed") { Description = "the training seed (default 1)" };
        private readonly Option<int?> _maxRounds = new("--max-rounds") { Description = "rounds to run, each promoted student teaching the next (default 1)" };
        private readonly Option<TimeSpan?> _trainingTimeout = new("--training-timeout") { Description = "longest a training attempt may take, hh:mm:ss (default 04:00:00)" };
        private readonly Option<int?> _maxTrainingAttempts = new("--max-training-attempts") { Description = "training attempts before the round fails (default 2)" };
        private readonly Option<double?> _alpha = new("--gate-alpha") { Description = "McNemar significance the gate needs (only stricter than the deployment's)" };
        private readonly Option<double?> _minimumGain = new("--gate-minimum-gain") { Description = "accuracy gain the gate needs (only stricter)" };
        private readonly Option<double?> _maximumRecallDrop = new("--gate-maximum-recall-drop") { Description = "largest fall of a class's recall the gate allows (only stricter)" };

        public IEnumerable<Option> All =>
        [
            _architecture, _inputSize, _channels, _epochs, _batchSize, _targetPrecision, _goldShare, _recipe, _seed, _maxRounds,
            _trainingTimeout, _maxTrainingAttempts, _alpha, _minimumGain, _maximumRecallDrop,
        ];

        /// <summary>The request body: the settings given, by their JSON names.</summary>
        public Dictionary<string, object> Request(ParseResult parse)
        {
            var body = new Dictionary<string, object>();
            void Add<T>(string name, Option<T> option) { if (parse.GetValue(option) is { } value) body[name] = value; }
            Add("architecture", _architecture);
            Add("inputSize", _inputSize);
            Add("channels", _channels);
            Add("epochs", _epochs);
            Add("batchSize", _batchSize);
            Add("targetPrecision", _targetPrecision);
            Add("goldShare", _goldShare);
            Add("recipe", _recipe);
            Add("seed", _seed);
            Add("maxRounds", _maxRounds);
            Add("trainingTimeout", _trainingTimeout);
            Add("maxTrainingAttempts", _maxTrainingAttempts);
            var gate = new Dictionary<string, object>();
            if (parse.GetValue(_alpha) is { } alpha) gate["alpha"] = alpha;
            if (parse.GetValue(_minimumGain) is { } gain) gate["minimumGain"] = gain;
            if (parse.GetValue(_maximumRecallDrop) is { } drop) gate["maximumRecallDrop"] = drop;
            if (gate.Count > 0) body["gate"] = gate;
            return body;
        }
    }
}
