using Microsoft.Extensions.AI;

namespace Parley.Caching;

/// <summary>A reply as it was streamed (or split into updates), with its estimated size in bytes.</summary>
public sealed record CachedReply(IReadOnlyList<ChatResponseUpdate> Updates, long Bytes)
{
    public static CachedReply From(IReadOnlyList<ChatResponseUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        long bytes = 256;
        foreach (var update in updates)
        {
            bytes += 128;
            foreach (var content in update.Contents)
                bytes += 64 + content switch
                {
                    TextContent text => text.Text.Length * 2L,
                    TextReasoningContent reasoning => reasoning.Text.Length * 2L,
                    DataContent data => data.Data.Length,
                    FunctionCallContent call => 2L * (call.Name.Length + (call.Arguments?.Sum(a => a.Key.Length + (a.Value?.ToString()?.Length ?? 0)) ?? 0)),
                    _ => 256,
                };
        }
        return new CachedReply(updates, bytes);
    }
}
