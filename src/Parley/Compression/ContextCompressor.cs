using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Conversations;
using Parley.Errors;
using Parley.Providers;
using Parley.Storage;

namespace Parley.Compression;

/// <summary>
/// The conversation engine's context hook: turns a stored branch into the history a model sees, and, when
/// <see cref="ContextCompressionOptions.Enabled"/>, replaces the oldest turns of a history that outgrew the model's budget
/// with a summary (<see cref="SummarizingChatReducer"/>). A new summary comes back as a <see cref="ContextSummaryPart"/> for the
/// reply to store; later turns on the same branch start from the newest stored summary instead of summarising again.
/// When summarising fails the history goes on unsummarised (the turn drops its oldest messages as usual) and the
/// reply gets a <see cref="ContextTrimmedPart"/> saying so: a summary never fails the user's request.
/// </summary>
public sealed partial class ContextCompressor(
    IConversationStore store,
    TurnFactory turns,
    ModelCatalog catalog,
    ChatRunner runner,
    IOptions<ContextCompressionOptions> options,
    ILogger<ContextCompressor> logger)
{
    private const string PathIndexProperty = "parley.path_index";

    /// <summary>The history of <paramref name="path"/> for <paramref name="model"/>; a summary call is made for (and charged to) <paramref name="caller"/>.</summary>
    public async Task<CompressedHistory> BuildAsync(ModelEntry model, Conversation conversation, IReadOnlyList<StoredMessage> path, Usage.Caller caller, CancellationToken cancellationToken,
        Documents.DocumentContext? documents = null)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(path);
        var settings = options.Value;
        if (!settings.Enabled)
            return new CompressedHistory(await ContextBuilder.ToChatMessagesAsync(path, store, cancellationToken, documents), []);

        var (stored, start) = LatestSummary(path);
        var messages = new List<ChatMessage>();
        if (!string.IsNullOrWhiteSpace(conversation.SystemPrompt))
            messages.Add(new ChatMessage(ChatRole.System, conversation.SystemPrompt));
        if (stored is not null)
            messages.Add(SummarizingChatReducer.ToMessage(stored.Summary, 0));
        for (var i = start; i < path.Count; i++)
        {
            foreach (var message in await ContextBuilder.ToChatMessagesAsync([path[i]], store, cancellationToken, documents))
            {
                (message.AdditionalProperties ??= [])[PathIndexProperty] = i;
                messages.Add(message);
            }
        }

        var budget = turns.ContextBudget(model, conversation.MaxTokens);
        List<ChatMessage> reduced;
        List<MessagePart> parts = [];
        ModelEntry? summarizer = null;
        try
        {
            summarizer = string.IsNullOrWhiteSpace(settings.Model) ? model : catalog.Resolve(settings.Model);
            var reducer = new SummarizingChatReducer(new SummarizerChatClient(runner, summarizer, caller),
                budget * settings.TriggerPercent / 100, budget * settings.KeepRecentPercent / 100, settings.MaxSummaryTokens,
                Tokens.TokenCounter.For(model.ModelId));
            reduced = [.. await reducer.ReduceAsync(messages, cancellationToken)];
            if (reduced.FirstOrDefault(IsNewSummary) is { } summary)
            {
                var firstKept = reduced.SkipWhile(m => m.Role == ChatRole.System).Select(PathIndex).FirstOrDefault(i => i is not null) ?? path.Count;
                var through = path[firstKept - 1];
                parts.Add(new ContextSummaryPart(SummarizingChatReducer.SummaryText(summary), through.Id, firstKept, summarizer.Id));
                LogSummarised(logger, conversation.Id, firstKept, summarizer.Id);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var code = ex is ParleyException known ? known.Code : ErrorCodes.Internal;
            LogSummaryFailed(logger, conversation.Id, summarizer?.Id ?? settings.Model ?? model.Id, code, ex);
            reduced = messages;
            parts.Add(new ContextTrimmedPart(code,
                "The earlier messages could not be summarised, so the oldest ones that did not fit were left out of the model's context."));
        }

        if (!string.IsNullOrWhiteSpace(conversation.SystemPrompt))
            reduced.RemoveAt(0); // the turn adds the system prompt itself
        foreach (var message in reduced)
        {
            if (message.AdditionalProperties?.Remove(PathIndexProperty) == true && message.AdditionalProperties.Count == 0)
                message.AdditionalProperties = null;
        }
        return new CompressedHistory(reduced, parts);
    }

    /// <summary>The newest summary stored on this branch and the index of the first message it does not cover.</summary>
    public static (ContextSummaryPart? Summary, int Start) LatestSummary(IReadOnlyList<StoredMessage> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        for (var i = path.Count - 1; i >= 0; i--)
        {
            foreach (var summary in path[i].Parts.OfType<ContextSummaryPart>())
            {
                for (var j = 0; j < i; j++)
                {
                    if (path[j].Id == summary.ThroughMessageId)
                        return (summary, j + 1);
                }
            }
        }
        return (null, 0);
    }

    private static bool IsNewSummary(ChatMessage message) =>
        SummarizingChatReducer.IsSummary(message)
        && message.AdditionalProperties?[SummarizingChatReducer.SummarizedCountProperty] is int count && count > 0;

    private static int? PathIndex(ChatMessage message) => message.AdditionalProperties?.GetValueOrDefault(PathIndexProperty) as int?;

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {ConversationId}: the first {Count} messages were summarised by {Model}")]
    private static partial void LogSummarised(ILogger logger, string conversationId, int count, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId}: summarising with {Model} failed ({Code}); the oldest messages are dropped instead")]
    private static partial void LogSummaryFailed(ILogger logger, string conversationId, string model, string code, Exception exception);
}

/// <summary>The history for a turn and the parts the reply should store about it (a new summary, or a note that turns were dropped).</summary>
public sealed record CompressedHistory(List<ChatMessage> History, IReadOnlyList<MessagePart> Parts);
