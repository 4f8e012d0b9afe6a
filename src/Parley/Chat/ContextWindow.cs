using Microsoft.Extensions.AI;
using Parley.Tokens;

namespace Parley.Chat;

/// <summary>
/// Fits history into what a model may see: at most <c>maxMessages</c> history messages and a token
/// budget counted with the model's tokenizer, dropping the oldest first. System messages are always kept, and an assistant tool call
/// is never separated from its results (they are dropped or kept together).
/// </summary>
public static class ContextWindow
{
    /// <summary>Tokens assumed per image part, whatever its size.</summary>
    public const int ImageTokens = TokenCounter.ImageTokens;

    /// <param name="counter">How the model counts tokens; <see cref="TokenCounter.Estimate"/> when null.</param>
    public static List<ChatMessage> Fit(IReadOnlyList<ChatMessage> messages, int maxMessages, int tokenBudget, TokenCounter? counter = null)
    {
        counter ??= TokenCounter.Estimate;
        var system = messages.Where(m => m.Role == ChatRole.System).ToList();
        var groups = Group(messages.Where(m => m.Role != ChatRole.System).ToList());

        var budget = tokenBudget - system.Sum(counter.Count);
        var count = 0;
        var kept = new List<List<ChatMessage>>();
        for (var i = groups.Count - 1; i >= 0; i--)
        {
            var group = groups[i];
            var tokens = group.Sum(counter.Count);
            var isNewest = i == groups.Count - 1;
            if (!isNewest && (count + group.Count > maxMessages || tokens > budget))
                break;
            kept.Insert(0, group);
            count += group.Count;
            budget -= tokens;
        }
        return [.. system, .. kept.SelectMany(g => g)];
    }

    /// <summary>The four-characters-a-token estimate of one message (<see cref="TokenCounter.Estimate"/>).</summary>
    public static int EstimateTokens(ChatMessage message) => TokenCounter.Estimate.Count(message);

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
