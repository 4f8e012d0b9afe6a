using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Errors;
using Parley.Providers;
using Parley.Storage;
using Parley.Usage;

namespace Parley.Conversations;

/// <summary>
/// Titles written by a model (<see cref="TitleOptions"/>): one non-streaming call through <see cref="ChatRunner"/> (the
/// model's whole pipeline: limits, budgets, usage, retries) for the conversation's caller under the surface
/// <see cref="Surface"/>, so the title's tokens are charged to the user who sent the first message.
/// </summary>
public sealed partial class TitleWriter(
    ChatRunner runner, ModelCatalog catalog, IConversationStore store, IOptions<TitleOptions> options, TimeProvider time, ILogger<TitleWriter> logger)
{
    public const string Surface = "titles";

    internal const string Instructions =
        "You name chat conversations. Answer with a title of at most six words for the conversation that starts with the "
        + "user's message: the title only, without quotes or final punctuation, in the language of the message.";

    private const int MaxMessageChars = 2000;
    private const int MaxReplyChars = 600;

    /// <summary>
    /// Asks the model for a title of the conversation whose first exchange just ended, and stores it in place of
    /// <paramref name="automaticTitle"/>. Null when titles are off, the call fails or answers nothing usable, the title
    /// would not change, or someone renamed the conversation meanwhile.
    /// </summary>
    public async Task<string?> WriteAsync(
        Conversation conversation, ModelEntry replyModel, Caller caller, string automaticTitle, string firstMessage, string reply,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(caller);
        var settings = options.Value;
        if (!settings.Enabled || string.IsNullOrWhiteSpace(firstMessage))
            return null;
        // A library app's handler is the developer's code, not a model to ask for titles (a title model can be named).
        if (string.IsNullOrWhiteSpace(settings.Model) && replyModel.Kind == ProviderKinds.Handler)
            return null;

        string? title;
        var modelId = string.IsNullOrWhiteSpace(settings.Model) ? replyModel.Id : settings.Model;
        try
        {
            var model = string.IsNullOrWhiteSpace(settings.Model) ? replyModel : catalog.Resolve(settings.Model);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
            var system = reply.Length == 0 ? Instructions : $"{Instructions}\n\nThe assistant's answer began: {Cut(reply, MaxReplyChars)}";
            var turn = new ChatTurn(model, [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, Cut(firstMessage, MaxMessageChars))],
                new ChatOptions { MaxOutputTokens = settings.MaxTokens }, caller with { Surface = Surface });
            var response = await runner.CompleteAsync(turn, timeout.Token);
            title = Titles.FromModelAnswer(response.Text);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogTitleFailed(logger, conversation.Id, modelId, ex is ParleyException known ? known.Code : ex is OperationCanceledException ? "timeout" : ErrorCodes.Internal, ex);
            return null;
        }
        if (title is null)
            return null;

        // Replaced only while the title is still the automatic one, in one step: a rename that lands first stays.
        if (title == automaticTitle)
            return null;
        return await store.ReplaceTitleAsync(conversation.Owner, conversation.Id, automaticTitle, title, time.UtcNowStored(), CancellationToken.None)
            ? title
            : null;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {ConversationId}: the title model {Model} failed ({Code}); the first message stays the title")]
    private static partial void LogTitleFailed(ILogger logger, string conversationId, string model, string code, Exception exception);
}
