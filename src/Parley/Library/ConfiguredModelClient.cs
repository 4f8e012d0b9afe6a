using Microsoft.Extensions.AI;

namespace Parley.Library;

/// <summary>A model's pipeline client that always asks for that model (the handler's options name none, or the app's own).</summary>
internal sealed class ConfiguredModelClient(IChatClient pipeline, string modelId) : DelegatingChatClient(pipeline)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithModel(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithModel(options), cancellationToken);

    private ChatOptions WithModel(ChatOptions? options)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.ModelId = modelId;
        return copy;
    }
}
