using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Parley.Tools;

/// <summary>
/// One request through <see cref="ParleyFunctionInvokingChatClient"/>: its tools, and for a streamed request the tool
/// events (a round starting, shown as <c>null</c>, and each finished result) to yield while the loop waits.
/// </summary>
internal sealed class ToolRequest(IList<AITool>? tools, bool streamed)
{
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private int _round = -1;

    public IList<AITool>? Tools => tools;

    public string ToolMessageId { get; } = $"tool_{Guid.NewGuid():N}";

    public Channel<FunctionResultContent?> Events { get; } = Channel.CreateUnbounded<FunctionResultContent?>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    /// <summary>Called by every call of a round; the first one announces the round.</summary>
    public void RoundStarted(int iteration)
    {
        if (streamed && Interlocked.Exchange(ref _round, iteration) != iteration)
            Events.Writer.TryWrite(null);
    }

    public void Finished(FunctionResultContent result)
    {
        if (streamed)
            Events.Writer.TryWrite(result);
    }

    /// <summary>The update that yields <paramref name="result"/> as soon as its tool finished.</summary>
    public ChatResponseUpdate ResultUpdate(FunctionResultContent result)
    {
        _sent.Add(result.CallId);
        return new ChatResponseUpdate(ChatRole.Tool, [result]) { MessageId = ToolMessageId, CreatedAt = DateTimeOffset.UtcNow };
    }

    /// <summary>The loop's own tool update without the results already yielded; <c>null</c> when nothing is left.</summary>
    public ChatResponseUpdate? Unsent(ChatResponseUpdate update)
    {
        List<AIContent>? rest = null;
        var dropped = false;
        foreach (var content in update.Contents)
        {
            if (content is FunctionResultContent result && _sent.Contains(result.CallId))
                dropped = true;
            else
                (rest ??= []).Add(content);
        }

        if (!dropped)
            return update;
        if (rest is null)
            return null;
        var partial = update.Clone();
        partial.Contents = rest;
        return partial;
    }
}
