using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Parley.Chat;

namespace Parley.Compression;

/// <summary>
/// An <see cref="IChatReducer"/> that replaces the oldest turns of a history with a summary written by a chat client,
/// once the history's tokens (counted with the model's tokenizer) exceed <c>triggerTokens</c>. Leading system messages stay; the newest turns stay
/// word for word up to <c>keepTokens</c> (at least the last user turn); a history is only cut before a user message,
/// so a tool call never loses its result. A summary from an earlier reduction (a message marked with
/// <see cref="SummaryProperty"/>) is folded into the new one. Microsoft.Extensions.AI's SummarizingChatReducer counts
/// messages, not tokens, and cannot fold an earlier summary in, so Parley keeps this one.
/// </summary>
public sealed class SummarizingChatReducer(IChatClient summarizer, int triggerTokens, int keepTokens, int maxSummaryTokens, Tokens.TokenCounter? counter = null) : IChatReducer
{
    private readonly Tokens.TokenCounter _counter = counter ?? Tokens.TokenCounter.Estimate;

    /// <summary>Marks the summary message (its value is the summary text) in <see cref="ChatMessage.AdditionalProperties"/>.</summary>
    public const string SummaryProperty = "parley.summary";

    /// <summary>On the summary message: how many messages of the input it replaced (an earlier summary not counted).</summary>
    public const string SummarizedCountProperty = "parley.summary.messages";

    private const string Instructions =
        "You compress chat history. Summarise the conversation below so that it can continue without it: keep facts, " +
        "names, numbers, decisions, code identifiers, open questions and the user's stated preferences. Write in the " +
        "conversation's language, in short sentences or bullets, without commentary. Reply with the summary only.";

    public async Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var all = messages.ToList();
        if (all.Sum(_counter.Count) <= triggerTokens)
            return all;

        var lead = 0;
        while (lead < all.Count && all[lead].Role == ChatRole.System)
            lead++;
        var leading = all.Take(lead).ToList();
        var previous = leading.LastOrDefault(IsSummary);
        var rest = all.Skip(lead).ToList();

        var split = ChooseSplit(rest);
        if (split <= 0)
            return all;

        var summary = await SummarizeAsync(previous is null ? null : SummaryText(previous), rest.Take(split).ToList(), cancellationToken);
        return [.. leading.Where(m => !IsSummary(m)), ToMessage(summary, split), .. rest.Skip(split)];
    }

    public static bool IsSummary(ChatMessage message) =>
        message.AdditionalProperties?.ContainsKey(SummaryProperty) == true;

    public static string SummaryText(ChatMessage message) =>
        message.AdditionalProperties?[SummaryProperty] as string ?? message.Text;

    /// <summary>The summary as the model sees it: a system message after the system prompt.</summary>
    public static ChatMessage ToMessage(string summary, int summarizedCount) =>
        new(ChatRole.System, "Summary of the earlier part of this conversation (those messages are no longer shown):\n" + summary)
        {
            AdditionalProperties = new() { [SummaryProperty] = summary, [SummarizedCountProperty] = summarizedCount },
        };

    /// <summary>
    /// The index of the first kept message: the earliest user message after which the rest fits <c>keepTokens</c>,
    /// else the last user message. 0 when there is nothing before it to summarise.
    /// </summary>
    private int ChooseSplit(List<ChatMessage> rest)
    {
        var lastUser = rest.FindLastIndex(m => m.Role == ChatRole.User);
        if (lastUser <= 0)
            return 0;
        var suffixTokens = 0;
        var split = lastUser;
        for (var i = rest.Count - 1; i > 0; i--)
        {
            suffixTokens += _counter.Count(rest[i]);
            if (i > lastUser || rest[i].Role != ChatRole.User)
                continue;
            if (suffixTokens > keepTokens && i < lastUser)
                break;
            split = i;
        }
        return split;
    }

    private async Task<string> SummarizeAsync(string? previous, List<ChatMessage> older, CancellationToken cancellationToken)
    {
        var transcript = new StringBuilder();
        if (previous is not null)
            transcript.Append("Summary of what came before:\n").Append(previous).Append("\n\n");
        transcript.Append("Conversation:\n");
        foreach (var message in older)
            transcript.Append(Describe(message)).Append('\n');

        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = maxSummaryTokens };
        var response = await summarizer.GetResponseAsync(
            [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, transcript.ToString())], options, cancellationToken);
        var text = response.Text.Trim();
        return text.Length > 0 ? text : throw new InvalidOperationException("The summariser returned an empty summary.");
    }

    private static string Describe(ChatMessage message)
    {
        var parts = new List<string>();
        foreach (var content in message.Contents)
        {
            parts.Add(content switch
            {
                TextContent text => text.Text,
                DataContent or UriContent => "[image]",
                FunctionCallContent call => string.Create(CultureInfo.InvariantCulture, $"[called tool {call.Name}]"),
                FunctionResultContent result => $"[tool result: {Shorten(Tools.ToolContent.ResultText(result))}]",
                _ => "",
            });
        }
        return $"{message.Role.Value}: {string.Join(' ', parts.Where(p => p.Length > 0))}";
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
