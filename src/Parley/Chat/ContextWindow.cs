using Microsoft.Extensions.AI;

namespace Parley.Chat;

/// <summary>
/// Fits history into what a model may see: at most <c>maxMessages</c> history messages and a token
/// budget, dropping the oldest first. System messages are always kept, and an assistant tool call
/// is never separated from its results (they are dropped or kept together).
/// </summary>
public static class ContextWindow
{
    /// <summary>Tokens assumed per image part, whatever its size (OpenAI bills a 512px tile at ~170 plus base).</summary>
    public const int ImageTokens = 800;

    public static List<ChatMessage> Fit(IReadOnlyList<ChatMessage> messages, int maxMessages, int tokenBudget)
    {
        var system = messages.Where(m => m.Role == ChatRole.System).ToList();
        var groups = Group(messages.Where(m => m.Role != ChatRole.System).ToList());

        var budget = tokenBudget - system.Sum(EstimateTokens);
        var count = 0;
        var kept = new List<List<ChatMessage>>();
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            var group = groups[i];
            var tokens = group.Sum(EstimateTokens);
            var isNewest = i == groups.Count - 1;
            if (!isNewest && (count + group.Count > maxMessages || tokens > budget))
                break;
            kept.Insert(0, group);
            count += group.Count;
            budget -= tokens;
        }
        return [.. system, .. kept.SelectMany(g => g)];
    }

    /// <summary>A rough count (four characters a token, plus framing) where no tokenizer is available.</summary>
    public static int EstimateTokens(ChatMessage message)
    {
        var tokens = 4;
        foreach (var content in message.Contents)
        {
            tokens += content switch
            {
                TextContent text => (text.Text.Length + 3) / 4,
                DataContent or UriContent => ImageTokens,
                FunctionCallContent call => 8 + (call.Name.Length + (call.Arguments?.Sum(a => a.Key.Length + (a.Value?.ToString()?.Length ?? 0)) ?? 0)) / 4,
                FunctionResultContent result => 4 + ((result.Result?.ToString()?.Length ?? 0) + 3) / 4,
                _ => 0,
            };
        }
        return tokens;
    }

    /// <summary>Splits history into units that must stay together: an assistant message with tool calls plus the tool messages after it.</summary>
    private static List<List<ChatMessage>> Group(List<ChatMessage> messages)
    {
        var groups = new List<List<ChatMessage>>();
        foreach (var message in messages)
        {
            var joinsPrevious = message.Role == ChatRole.Tool && groups.Count > 0
                && groups[^1].Any(m => m.Contents.OfType<FunctionCallContent>().Any());
            if (joinsPrevious)
                groups[^1].Add(message);
            else
                groups.Add([message]);
        }
        return groups;
    }
}
