using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Storage;

namespace Parley.Replies;

/// <summary>
/// At startup, replies still marked <c>streaming</c> were being written when a server died: they become
/// <c>interrupted</c>, keeping the text saved before. (With several instances on one database a reply another
/// instance is still writing is set back to <c>streaming</c> by its next save, within a second.)
/// </summary>
internal sealed partial class InterruptedReplies(IConversationStore store, ILogger<InterruptedReplies> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = await store.MarkInterruptedAsync(cancellationToken);
        if (count > 0)
            LogInterrupted(logger, count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} replies were still being written when the server last stopped; they are marked interrupted with the text saved before")]
    private static partial void LogInterrupted(ILogger logger, int count);
}
