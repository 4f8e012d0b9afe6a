namespace Parley.Conversations;

/// <summary>
/// What part of a branch holds, as the web app's header shows it: its messages (tool results not counted) and the tokens
/// they hold. A reply's own tokens are its completion tokens; a prompt's usage counts the whole history again on every
/// call, so it is not added up. Text no model wrote (the user's) is estimated at four characters a token.
/// </summary>
public sealed record BranchTotals(int Messages, long Tokens)
{
    public static readonly BranchTotals None = new(0, 0);

    public static BranchTotals Of(IEnumerable<MessageNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var messages = 0;
        var tokens = 0L;
        foreach (var node in nodes)
        {
            if (node.Role == MessageRoles.Tool)
                continue;
            messages++;
            tokens += node.Role == MessageRoles.Assistant && node.Usage is { } usage ? usage.CompletionTokens : (node.TextLength + 3) / 4;
        }
        return new BranchTotals(messages, tokens);
    }
}
