using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Documents;
using Parley.Errors;
using Parley.Providers;
using Parley.Storage;
using Parley.Streaming;
using Parley.Usage;

namespace Parley.Conversations;

/// <summary>
/// The stateful engine: validates a send or regenerate before anything is streamed, stores the
/// user's message first, streams the reply while saving it as it goes (status <c>streaming</c>, at least every
/// <see cref="SaveInterval"/> and at every tool boundary), and stores what was generated even when the provider
/// fails or the reply is stopped (status <c>incomplete</c> or <c>error</c>).
/// </summary>
public sealed class ConversationEngine(
    IConversationStore store,
    TurnFactory turns,
    ChatRunner runner,
    ActiveReplies active,
    Compression.ContextCompressor context,
    IOptions<ParleyOptions> options,
    TimeProvider time,
    AttachmentStore attachmentStore,
    IOptions<DocumentOptions> documentOptions)
{
    /// <summary>Longest stretch of streamed text not yet written to the store.</summary>
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    public async Task<PreparedReply> PrepareSendAsync(Caller caller, string conversationId, SendMessage send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var limits = options.Value;
        var attachmentIds = send.Attachments ?? [];
        if (string.IsNullOrWhiteSpace(send.Content) && send.Images.Count == 0 && attachmentIds.Count == 0)
            throw new ParleyException(ErrorCodes.EmptyMessage, 400, "The message is empty. Type something or attach an image or a document.");
        if (attachmentIds.Count > documentOptions.Value.MaxPerMessage)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"At most {documentOptions.Value.MaxPerMessage} documents can be attached to one message.");
        if (send.Content.Length > limits.MaxMessageChars)
            throw new ParleyException(ErrorCodes.InvalidRequest, 413,
                $"The message is {send.Content.Length:N0} characters; the limit is {limits.MaxMessageChars:N0}.");
        if (send.Images.Count > limits.MaxImagesPerMessage)
            throw new ParleyException(ErrorCodes.InvalidImage, 400, $"At most {limits.MaxImagesPerMessage} images can be attached to one message.");

        var conversation = await RequireConversationAsync(caller.Owner, conversationId, cancellationToken);
        var messages = await store.GetMessagesAsync(conversationId, cancellationToken);
        if (messages.Count == 0 && !send.HasParentId && limits.PreloadedMessages.Count > 0)
            messages = await StorePreloadedAsync(conversationId, limits.PreloadedMessages, cancellationToken);
        var parentId = send.HasParentId ? send.ParentId : MessageTree.NewestLeaf(messages);
        if (parentId is not null && messages.All(m => m.Id != parentId))
            throw new ParleyException(ErrorCodes.MessageNotFound, 404, $"There is no message '{parentId}' in this conversation.");

        var images = send.Images.Select(i => ImageInput.Decode(i, limits.MaxImageBytes)).ToList();
        var attached = new List<AttachmentPart>();
        foreach (var attachmentId in attachmentIds.Distinct(StringComparer.Ordinal))
            attached.Add(await attachmentStore.RequireAsync(conversationId, attachmentId, cancellationToken));
        var path = MessageTree.PathTo(messages, parentId);
        var model = turns.ResolveModel(send.Model ?? conversation.Model, caller, images.Count > 0 || HasImages(path));
        var now = time.UtcNowStored();
        var imageParts = images.Select(i => new StoredImage(Ids.New("i"), conversationId, i.MediaType, i.Data)).ToList();
        List<MessagePart> parts = [.. imageParts.Select(i => new ImagePart(i.Id, i.MediaType)), .. attached];
        if (!string.IsNullOrWhiteSpace(send.Content))
            parts.Insert(0, new TextPart(send.Content));
        var user = new StoredMessage
        {
            Id = StoredMessage.NewId(), ConversationId = conversationId, ParentId = parentId,
            Role = MessageRoles.User, Parts = parts, CreatedAt = now,
        };

        var lease = active.Start(conversationId);
        return new PreparedReply(conversation, model, path, user, imageParts, lease, caller) { NoCache = send.NoCache };
    }

    /// <summary>
    /// Seed 003's preloaded messages (<c>set_config({"messages": …})</c>) become the first messages of a conversation when its
    /// first message is sent, so the handler and the model see them, and they stay in the conversation afterwards.
    /// </summary>
    private async Task<IReadOnlyList<StoredMessage>> StorePreloadedAsync(
        string conversationId, List<PreloadedMessage> preloaded, CancellationToken cancellationToken)
    {
        var stored = new List<StoredMessage>(preloaded.Count);
        var now = time.UtcNowStored();
        foreach (var message in preloaded)
        {
            var next = new StoredMessage
            {
                Id = StoredMessage.NewId(), ConversationId = conversationId, ParentId = stored.LastOrDefault()?.Id,
                Role = message.Role == MessageRoles.User ? MessageRoles.User : MessageRoles.Assistant,
                Parts = [new TextPart(message.Content)], CreatedAt = now,
            };
            await store.AddMessageAsync(next, cancellationToken);
            stored.Add(next);
        }
        return stored;
    }

    /// <summary>A new reply to the user message that <paramref name="messageId"/> is (or answers).</summary>
    public async Task<PreparedReply> PrepareRegenerateAsync(Caller caller, string conversationId, string messageId, string? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var conversation = await RequireConversationAsync(caller.Owner, conversationId, cancellationToken);
        var messages = await store.GetMessagesAsync(conversationId, cancellationToken);
        var target = messages.FirstOrDefault(m => m.Id == messageId)
            ?? throw new ParleyException(ErrorCodes.MessageNotFound, 404, $"There is no message '{messageId}' in this conversation.");
        var userId = target.Role == MessageRoles.User ? target.Id : target.ParentId;
        if (userId is null)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "Only replies to a user message can be regenerated.");

        var path = MessageTree.PathTo(messages, userId);
        var resolved = turns.ResolveModel(model ?? conversation.Model, caller, HasImages(path));
        var lease = active.Start(conversationId);
        // A regenerated reply is meant to be new: never the cached one.
        return new PreparedReply(conversation, resolved, path, null, [], lease, caller) { NoCache = true };
    }

    public async IAsyncEnumerable<ChatEvent> StreamAsync(PreparedReply prepared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = prepared.Lease;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Token);
        var path = prepared.Path;
        if (prepared.UserMessage is { } user)
        {
            foreach (var image in prepared.Images)
                await store.SaveImageAsync(image, CancellationToken.None);
            await store.AddMessageAsync(user, CancellationToken.None);
            path = [.. path, user];
            yield return new UserMessageStored(user);
        }

        var reply = new StoredMessage
        {
            Id = prepared.ReplyId, ConversationId = prepared.Conversation.Id, ParentId = path[^1].Id,
            Role = MessageRoles.Assistant, Model = prepared.Model.Id, Status = MessageStatus.Streaming,
            CreatedAt = time.UtcNowStored(),
        };
        await store.AddMessageAsync(reply, CancellationToken.None);
        yield return new ReplyStarted(reply);

        var accumulator = new ReplyAccumulator();
        IReadOnlyList<MessagePart> contextParts = [];
        string? title = null;
        IReadOnlyList<DocumentSource> sources = [];
        try
        {
            var conversation = prepared.Conversation;
            // The history the model sees (ContextBuilder, with the relevant parts of attached documents), its oldest
            // turns summarised when compression is on.
            var documents = new DocumentContext(documentOptions.Value, path.LastOrDefault(m => m.Role == MessageRoles.User)?.Text ?? "");
            var compressed = await context.BuildAsync(prepared.Model, conversation, path, prepared.Caller, linked.Token, documents);
            var history = compressed.History;
            contextParts = compressed.Parts;
            sources = documents.Sources;
            var turn = TryCreateTurn(prepared, history, accumulator);
            if (turn is not null)
            {
                if (prepared.NoCache)
                    Caching.CachingChatClient.OptOut(turn.Options);
                var unsaved = false;
                await foreach (var chatEvent in SaveTicks.WithTicks(token => runner.StreamAsync(turn, token), SaveInterval, time, linked.Token))
                {
                    if (chatEvent is not null)
                    {
                        accumulator.Add(chatEvent);
                        unsaved = true;
                    }
                    if (unsaved && chatEvent is null or ToolCallStarted or ToolCallCompleted)
                    {
                        await store.UpdateMessageAsync(reply with { Parts = [.. contextParts, .. accumulator.Snapshot()] }, CancellationToken.None);
                        unsaved = false;
                    }
                    if (chatEvent is not null and not ReplyFinished)
                        yield return chatEvent;
                }
            }
            else
            {
                yield return accumulator.Failure!;
            }
        }
        finally
        {
            reply = reply with
            {
                Model = accumulator.ModelId ?? reply.Model,
                Parts = [.. contextParts, .. accumulator.Parts, .. sources.Count == 0 ? Array.Empty<MessagePart>() : [new SourcesPart(sources)]],
                Status = accumulator.Status, Error = accumulator.Error,
                Usage = accumulator.Usage, Timings = accumulator.Timings,
            };
            await store.UpdateMessageAsync(reply, CancellationToken.None);
            if (!prepared.Conversation.HasTitle && prepared.UserMessage is not null && path.Count == 1)
                title = await SetAutomaticTitleAsync(prepared.Conversation,
                    prepared.UserMessage.Text is { Length: > 0 } text ? text : prepared.UserMessage.Parts.OfType<AttachmentPart>().FirstOrDefault()?.Name ?? "");
            // Free the conversation as soon as the reply is stored, not when the caller stops reading.
            lease.Dispose();
        }

        if (title is not null)
            yield return new TitleChanged(title);
        yield return new ReplyStored(reply);
    }

    private ChatTurn? TryCreateTurn(PreparedReply prepared, List<Microsoft.Extensions.AI.ChatMessage> history, ReplyAccumulator accumulator)
    {
        var conversation = prepared.Conversation;
        try
        {
            return turns.Create(prepared.Model, prepared.Caller, conversation.SystemPrompt, history,
                new TurnSettings(conversation.Temperature, conversation.MaxTokens, Tools: conversation.Tools));
        }
        catch (ParleyException ex)
        {
            accumulator.Add(new ReplyFailed(ex.Code, ex.Message, ex.Status));
            return null;
        }
    }

    private static bool HasImages(IEnumerable<StoredMessage> path) => path.Any(m => m.Parts.Any(p => p is ImagePart));

    /// <summary>Titles the conversation after its first exchange, unless someone named it meanwhile; changes nothing else.</summary>
    private async Task<string?> SetAutomaticTitleAsync(Conversation conversation, string firstMessage)
    {
        var title = Titles.FromFirstMessage(firstMessage);
        return await store.ReplaceTitleAsync(conversation.Owner, conversation.Id, whenTitleIs: null, title, time.UtcNowStored(), CancellationToken.None)
            ? title
            : null;
    }

        private async Task<Conversation> RequireConversationAsync(string owner, string conversationId, CancellationToken cancellationToken) =>
        await store.GetConversationAsync(owner, conversationId, cancellationToken)
        ?? throw new ParleyException(ErrorCodes.ConversationNotFound, 404, $"There is no conversation '{conversationId}'.");
}

/// <summary>A validated send or regenerate for <paramref name="Caller"/>, holding the conversation's reply slot until streamed.</summary>
public sealed record PreparedReply(
    Conversation Conversation,
    ModelEntry Model,
    List<StoredMessage> Path,
    StoredMessage? UserMessage,
    IReadOnlyList<StoredImage> Images,
    ActiveReplies.Lease Lease,
    Caller Caller)
{
    /// <summary>True: the reply neither reads nor fills the response cache.</summary>
    public bool NoCache { get; init; }

    /// <summary>The id the reply's message will have, known before it is written so its event log can be named.</summary>
    public string ReplyId { get; } = StoredMessage.NewId();
}
