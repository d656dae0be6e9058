using SelfTrain.Core.Labels;

namespace SelfTrain.Serving;

/// <summary>
/// A batch the champion has answered for and nothing has written yet (<see cref="ImageLabeler.Classify"/>): one record
/// per image, in the images' order, and the version that labelled them.
/// </summary>
public sealed record LabelledBatch(IReadOnlyList<IncomingImage> Images, IReadOnlyList<LabelRecord> Records, string ModelVersion);
