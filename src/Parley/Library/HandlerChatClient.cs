using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Errors;

namespace Parley.Library;

/// <summary>
/// The <c>handler</c> provider: runs the app's <see cref="ChatHandler"/> and streams what it emits.
/// A throwing handler becomes an error the UI shows; the server keeps running.
/// </summary>
internal sealed partial class HandlerChatClient(ChatHandlerRegistry registry, ILogger<HandlerChatClient> logger) : IChatClient
{
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var handler = registry.Handler
            ?? throw new ParleyException(ErrorCodes.Internal, 500, "This Parley app has no message handler. Call app.OnMessage(...) before app.Run().");
        var channel = Channel.CreateUnbounded<ChatResponseUpdate>(new UnboundedChannelOptions { SingleReader = true });
        var chat = new ParleyChat([.. messages], options, channel.Writer);
        var run = Task.Run(async () =>
        {
            try
            {
                await handler(chat, cancellationToken);
                channel.Writer.TryComplete();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                LogHandlerFailed(logger, ex);
                channel.Writer.TryComplete(ex is ParleyException ? ex : new ParleyException(ErrorCodes.Internal, 500,
                    $"The message handler failed: {ex.GetType().Name}: {ex.Message}", ex));
            }
        }, CancellationToken.None);

        await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken))
            yield return update;
        await run;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The app's message handler threw")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception);
}
