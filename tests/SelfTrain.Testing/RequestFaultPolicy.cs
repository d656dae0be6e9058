using Azure.Core;
using Azure.Core.Pipeline;

namespace SelfTrain.Testing;

/// <summary>
/// A storage client pipeline policy that can fail a request before it leaves the process; a subclass says which
/// requests, by throwing from <see cref="ThrowIfFailed"/>.
/// </summary>
public abstract class RequestFaultPolicy : HttpPipelinePolicy
{
    /// <summary>Throws (a <c>RequestFailedException</c>, as the service would answer) to fail this request.</summary>
    protected abstract void ThrowIfFailed(HttpMessage message);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfFailed(message);
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ThrowIfFailed(message);
        ProcessNext(message, pipeline);
    }
}
