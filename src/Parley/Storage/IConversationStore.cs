using Parley.Conversations;

namespace Parley.Storage;

/// <summary>
/// Where conversations, their message trees and their images live. Every conversation-level
/// call takes the owner, so one user can never reach another's data through a store.
/// Implementations: SQLite (default), in-memory (tests); one shared contract test suite.
/// </summary>
public interface IConversationStore
{
    /// <summary>A short name for health reports: <c>sqlite</c>, <c>memory</c>, ...</summary>
    string Kind { get; }

    Task InitializeAsync(CancellationToken cancellationToken = default);

    Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default);

    Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default);

    Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default);

    Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves changed settings (title, prompt, model, parameters); false when it no longer exists. Every store leaves the
    /// pin and folder as they are, so a write built from an earlier read cannot undo them: <see cref="SetPinnedAsync"/>
    /// and <see cref="MoveToFolderAsync"/> change those.
    /// </summary>
    Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the title only if it is still the automatic one: with <paramref name="whenTitleIs"/> null, only while the
    /// conversation has no title yet; otherwise only while the title is exactly <paramref name="whenTitleIs"/>. A user's
    /// rename that lands first wins. False when nothing was replaced. The default reads then writes (not atomic); every
    /// store overrides it to check and write in one step (SQL, memory, Redis, the Redis fallback), as it does for the pin
    /// and the folder below.
    /// </summary>
    async Task<bool> ReplaceTitleAsync(string owner, string id, string? whenTitleIs, string title, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        var current = await GetConversationAsync(owner, id, cancellationToken);
        if (current is null || (whenTitleIs is null ? current.HasTitle : current.Title != whenTitleIs))
            return false;
        return await UpdateConversationAsync(current with { Title = title, HasTitle = true, UpdatedAt = updatedAt }, cancellationToken);
    }

    /// <summary>Pins or unpins the owner's conversation (not activity: its place by date stays); false when it does not exist.</summary>
    async Task<bool> SetPinnedAsync(string owner, string id, bool pinned, CancellationToken cancellationToken = default) =>
        await GetConversationAsync(owner, id, cancellationToken) is { } current
        && await UpdateConversationAsync(current with { Pinned = pinned }, cancellationToken);

    /// <summary>
    /// Files the owner's conversation in <paramref name="folderId"/> (null: in no folder). The caller checks that the
    /// folder is the owner's; the SQL store checks it again in the same statement. False when the conversation does not exist.
    /// </summary>
    async Task<bool> MoveToFolderAsync(string owner, string id, string? folderId, CancellationToken cancellationToken = default) =>
        await GetConversationAsync(owner, id, cancellationToken) is { } current
        && await UpdateConversationAsync(current with { FolderId = folderId }, cancellationToken);

    /// <summary>
    /// Takes every conversation of the owner out of <paramref name="folderId"/> (a folder being deleted); returns how
    /// many. The folder store calls it for a conversation store outside its database (Redis, memory); the SQL folder
    /// store does the same in its own transaction.
    /// </summary>
    Task<int> MoveOutOfFolderAsync(string owner, string folderId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the conversation with its messages and images; false when there was none.</summary>
    Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default);

    /// <summary>Every message of every branch, oldest first.</summary>
    Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>The tree of every message (id, parent, role, usage, text length) without contents, oldest first: what a page is cut from.</summary>
    async Task<IReadOnlyList<MessageNode>> GetMessageTreeAsync(string conversationId, CancellationToken cancellationToken = default) =>
        [.. (await GetMessagesAsync(conversationId, cancellationToken)).Select(m => new MessageNode(m.Id, m.ParentId, m.Role, m.Usage, m.Text.Length))];

    /// <summary>The messages of the conversation among <paramref name="ids"/>, oldest first (unknown ids are skipped).</summary>
    async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        return [.. (await GetMessagesAsync(conversationId, cancellationToken)).Where(m => wanted.Contains(m.Id))];
    }

    /// <summary>Adds a message and touches the conversation's <c>UpdatedAt</c>.</summary>
    Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>Replaces a message's parts, status, usage and timings (a reply being finished).</summary>
    Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default);

    /// <summary>Marks every reply left <c>streaming</c> (its server died while writing it) <c>interrupted</c>; returns how many.</summary>
    Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes every message and image, keeps the conversation and its settings.</summary>
    Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default);

    Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds whole conversations (conversation, images, messages, pin and folder) as one unit: all of them are stored, or
    /// after a failure none is. Stores with transactions keep that across a crash; the fallback takes back what it wrote on
    /// failure. The caller has checked that each folder is the owner's.
    /// </summary>
    async Task AddConversationsAsync(IReadOnlyList<WholeConversation> conversations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var created = new List<Conversation>();
        try
        {
            foreach (var whole in conversations)
            {
                await CreateConversationAsync(whole.Conversation, cancellationToken);
                created.Add(whole.Conversation);
                foreach (var image in whole.Images)
                    await SaveImageAsync(image, cancellationToken);
                foreach (var message in whole.Messages)
                    await AddMessageAsync(message, cancellationToken);
                await UpdateConversationAsync(whole.Conversation, cancellationToken);
                if (whole.Conversation.Pinned)
                    await SetPinnedAsync(whole.Conversation.Owner, whole.Conversation.Id, true, cancellationToken);
                if (whole.Conversation.FolderId is { } folderId)
                    await MoveToFolderAsync(whole.Conversation.Owner, whole.Conversation.Id, folderId, cancellationToken);
            }
        }
        catch
        {
            foreach (var conversation in created)
                await DeleteConversationAsync(conversation.Owner, conversation.Id, CancellationToken.None);
            throw;
        }
    }

    Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the owner's conversations (with their messages, images and files) whose last activity (<c>UpdatedAt</c>)
    /// is before <paramref name="lastActivityBefore"/>, or all of them when it is null. Rows are removed, not hidden.
    /// </summary>
    Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default);

    /// <summary>The deployment's retention: deletes every owner's conversations last active before <paramref name="lastActivityBefore"/>.</summary>
    Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default);
}

/// <summary>How many rows a bulk deletion removed.</summary>
public sealed record DeletedConversations(int Conversations, int Messages, int Images)
{
    public static readonly DeletedConversations None = new(0, 0, 0);

    public DeletedConversations Plus(DeletedConversations other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Conversations + other.Conversations, Messages + other.Messages, Images + other.Images);
    }
}

/// <summary>A conversation with everything in it, written as one unit by <see cref="IConversationStore.AddConversationsAsync"/>.</summary>
public sealed record WholeConversation(Conversation Conversation, IReadOnlyList<StoredImage> Images, IReadOnlyList<StoredMessage> Messages);

/// <param name="Organised">Only pinned conversations and those in a folder (the sidebar loads them whole, apart from the pages by date).</param>
public sealed record ConversationQuery(int Limit = 50, string? Cursor = null, string? Search = null, bool Organised = false);

public sealed record ConversationPage(IReadOnlyList<ConversationListItem> Items, string? NextCursor);

public sealed record ConversationListItem(Conversation Conversation, string? Snippet);

public sealed record StoredImage(string Id, string ConversationId, string MediaType, byte[] Data);
