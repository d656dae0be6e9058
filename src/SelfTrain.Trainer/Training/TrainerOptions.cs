namespace SelfTrain.Trainer.Training;

/// <summary>Where and how a job runs on this machine; not part of the job, since it does not change the result on CPU.</summary>
public sealed record TrainerOptions
{
    /// <summary>"auto", "cpu" or "cuda".</summary>
    public string Device { get; init; } = "auto";

    /// <summary>libtorch intra-op threads; set explicitly so CPU runs are reproducible.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Stops after this many batches per epoch (benchmarks); null trains full epochs.</summary>
    public int? MaxBatchesPerEpoch { get; init; }
}
