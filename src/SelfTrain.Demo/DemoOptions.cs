namespace SelfTrain.Demo;

/// <summary>The scenario's sizes and where the running system is.</summary>
public sealed record DemoOptions
{
    /// <summary>Fashion-MNIST training images with true labels in gold/train (model A learns from them).</summary>
    public int Gold { get; init; } = 2000;

    /// <summary>Production images uploaded to incoming/ after the gold ones; null for all that remain.</summary>
    public int? Pool { get; init; } = 20_000;

    public int Rounds { get; init; } = 1;
    public int Epochs { get; init; } = 8;
    public double TargetPrecision { get; init; } = 0.95;

    /// <summary>Rounds after the first judge the pool by the champion and its own teacher together.</summary>
    public bool SecondOpinion { get; init; }

    /// <summary>The round's embedding view: near-copies of held-out gold and outliers kept out of training.</summary>
    public bool View { get; init; }

    /// <summary>Label propagation over the view (implies <see cref="View"/>): pseudo-labels by the propagated scores.</summary>
    public bool Propagate { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>Trains a student for each step of <see cref="Scenario.AblationSteps"/> and reports what each step buys.</summary>
    public bool Ablation { get; init; }

    /// <summary>The local host's base address.</summary>
    public required Uri Host { get; init; }

    /// <summary>The trainer executable (model A and the report's reference students).</summary>
    public required string Trainer { get; init; }

    /// <summary>The run's folder: report, plots and the trainer's logs.</summary>
    public required string Output { get; init; }

    public int Threads { get; init; } = Environment.ProcessorCount;
}
