using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Providers;
using Parley.Usage;

namespace Parley.Compression;

/// <summary>
/// The summariser's <see cref="IChatClient"/>: each call runs through <see cref="ChatRunner"/> (so the model's full
/// pipeline: limits, usage, retries, breaker, fallbacks, cache, metrics) for the conversation's caller — its owner,
/// API key and allowed models — under the surface <c>compression</c>, so summary tokens count against that key.
/// </summary>
internal sealed class SummarizerChatClient(ChatRunner runner, ModelEntry model, Caller caller) : IChatClient
{
    public const string Surface = "compression";

    private readonly Caller _caller = caller with { Surface = Surface };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        runner.CompleteAsync(new ChatTurn(model, [.. messages], options ?? new ChatOptions(), _caller), cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Summaries are written with one non-streaming call.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
