using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Providers;
using Parley.Usage;

namespace Parley.Compression;

/// <summary>
/// The summariser's <see cref="IChatClient"/>: each call runs through <see cref="ChatRunner"/> (so the model's full
/// pipeline: retries, breaker, fallbacks, cache, metrics) and is recorded in usage under the surface <c>compression</c>
/// for the caller of the conversation.
/// </summary>
internal sealed class SummarizerChatClient(ChatRunner runner, ModelEntry model) : IChatClient
{
    public const string Surface = "compression";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Its own async method, so the surface set here does not leak back into the caller's context.
        return RunAsync([.. messages], options ?? new ChatOptions(), cancellationToken);
    }

    private async Task<ChatResponse> RunAsync(List<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        CallerContext.Set(CallerContext.Current.Owner, Surface);
        return await runner.CompleteAsync(new ChatTurn(model, messages, options), cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Summaries are written with one non-streaming call.");

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
