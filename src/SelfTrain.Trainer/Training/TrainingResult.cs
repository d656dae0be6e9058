using SelfTrain.Core.Models;

namespace SelfTrain.Trainer.Training;

/// <summary>A trained candidate: its ONNX bytes and the manifest that must be stored beside them.</summary>
public sealed record TrainingResult(byte[] Onnx, ModelManifest Manifest);
