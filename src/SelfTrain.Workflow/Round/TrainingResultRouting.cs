namespace SelfTrain.Workflow.Round;

/// <summary>What <see cref="TrainingResultRouter"/> did with a training result.</summary>
public enum TrainingResultRouting
{
    /// <summary>Raised as the <c>TrainingCompleted</c> event of its round.</summary>
    Delivered,
    /// <summary>Not a training result; dropped.</summary>
    Unreadable,
    /// <summary>Names no round; dropped.</summary>
    Unaddressed,
    /// <summary>Names a model version that cannot be one (it would become a blob path); dropped.</summary>
    InvalidVersion,
    /// <summary>Its round has finished and waits for nothing; dropped.</summary>
    RoundFinished,
}
