using SelfTrain.Storage;

namespace SelfTrain.Testing;

public static class ModelFixtures
{
    /// <summary>Saves <paramref name="model"/> as a version and makes it the champion (the first, or the next one).</summary>
    public static async Task RegisterChampionAsync(this ModelStore models, LinearTestModel model)
    {
        await models.SaveAsync(model.Onnx, model.Manifest);
        var current = await models.GetChampionAsync();
        if (!await models.TrySetChampionAsync(model.Version, "test fixture", current))
            throw new InvalidOperationException("The champion pointer moved while a test fixture set it.");
    }
}
