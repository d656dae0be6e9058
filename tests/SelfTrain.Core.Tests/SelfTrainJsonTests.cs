using System.Text.Json;
using SelfTrain.Core.Training;

namespace SelfTrain.Core.Tests;

public sealed class SelfTrainJsonTests
{
    [Fact]
    public void Writes_camel_case_with_enums_by_name()
    {
        var json = JsonSerializer.Serialize(new TrainingResultMessage("job-1", TrainingOutcome.Failed, null, "boom", 2), SelfTrainJson.Options);
        Assert.Equal("""{"jobId":"job-1","outcome":"Failed","modelVersion":null,"error":"boom","attempt":2,"correlationId":null,"modelSha256":null}""", json);
    }

    [Fact]
    public void Reads_what_earlier_versions_wrote_pascal_case_with_numeric_enums()
    {
        // Orchestration histories written before the one convention: they must still replay.
        var message = JsonSerializer.Deserialize<TrainingResultMessage>(
            """{"JobId":"job-1","Outcome":1,"ModelVersion":null,"Error":"boom","Attempt":2}""", SelfTrainJson.Options)!;
        Assert.Equal(new TrainingResultMessage("job-1", TrainingOutcome.Failed, null, "boom", 2), message);
    }

    [Fact]
    public void A_document_missing_a_required_member_is_refused_not_defaulted()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingResultMessage>("""{"jobId":"job-1"}""", SelfTrainJson.Options));
    }

    [Fact]
    public void A_request_with_a_member_the_type_lacks_is_refused()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingResultMessage>(
            """{"jobId":"j","outcome":"Failed","modelVersion":null,"error":null,"attempt":1,"atempt":2}""", SelfTrainJson.Strict));
    }
}
