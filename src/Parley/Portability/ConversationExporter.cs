using System.Runtime.CompilerServices;
using System.Text.Json;
using Parley.Conversations;
using Parley.Folders;
using Parley.Storage;

namespace Parley.Portability;

/// <summary>
/// Reads a caller's conversations out of the store as <see cref="ExportedConversation"/>s, with their folders. A
/// conversation names a folder only when that folder is among the ones exported (a store outside the folders'
/// database may still hold the id of a deleted folder), so every export imports again.
/// </summary>
public sealed class ConversationExporter(IConversationStore store, IFolderStore folders)
{
    private const int PageSize = 100;

    /// <summary>One conversation and the folder it is in (null for none), or null when the owner has no conversation with this id.</summary>
    public async Task<(Conversation Conversation, IReadOnlyList<StoredMessage> Messages, ExportedConversation Export, ExportedFolder? Folder)?> ExportAsync(
        string owner, string id, CancellationToken cancellationToken)
    {
        var conversation = await store.GetConversationAsync(owner, id, cancellationToken);
        if (conversation is null)
            return null;
        var folder = conversation.FolderId is { } folderId && await folders.GetAsync(owner, folderId, cancellationToken) is { } found
            ? new ExportedFolder(found.Id, found.Name, found.CreatedAt)
            : null;
        var messages = await store.GetMessagesAsync(conversation.Id, cancellationToken);
        var known = new HashSet<string>(StringComparer.Ordinal);
        if (folder is not null)
            known.Add(folder.Id);
        return (conversation, messages, await ToExportAsync(conversation, messages, known, cancellationToken), folder);
    }

    /// <summary>Every folder of the owner, by name.</summary>
    public async Task<IReadOnlyList<ExportedFolder>> FoldersAsync(string owner, CancellationToken cancellationToken) =>
        [.. (await folders.ListAsync(owner, cancellationToken)).Select(f => new ExportedFolder(f.Id, f.Name, f.CreatedAt))];

    /// <summary>Every conversation of the owner, newest first, one at a time so memory stays bounded.</summary>
    public async IAsyncEnumerable<(Conversation Conversation, IReadOnlyList<StoredMessage> Messages, ExportedConversation Export)> ExportAllAsync(
        string owner, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var known = await FoldersAsync(owner, cancellationToken);
        await foreach (var item in ExportAllAsync(owner, known, cancellationToken))
            yield return item;
    }

    /// <summary>As <see cref="ExportAllAsync(string, CancellationToken)"/>, naming only folders among <paramref name="exportedFolders"/>.</summary>
    public async IAsyncEnumerable<(Conversation Conversation, IReadOnlyList<StoredMessage> Messages, ExportedConversation Export)> ExportAllAsync(
        string owner, IReadOnlyList<ExportedFolder> exportedFolders, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exportedFolders);
        var known = exportedFolders.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var page = await store.ListConversationsAsync(owner, new ConversationQuery(PageSize, cursor), cancellationToken);
            foreach (var item in page.Items)
            {
                if (!seen.Add(item.Conversation.Id))
                    continue;
                var messages = await store.GetMessagesAsync(item.Conversation.Id, cancellationToken);
                yield return (item.Conversation, messages, await ToExportAsync(item.Conversation, messages, known, cancellationToken));
            }
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private async Task<ExportedConversation> ToExportAsync(
        Conversation c, IReadOnlyList<StoredMessage> messages, HashSet<string> knownFolders, CancellationToken cancellationToken)
    {
        var exported = new List<ExportedMessage>(messages.Count);
        var blobs = new List<ExportedBlob>();
        var blobIds = new HashSet<string>(StringComparer.Ordinal);
        var notBlobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in messages)
        {
            var parts = m.Parts.Select(p => JsonSerializer.Deserialize<JsonElement>(MessagePartsJson.Serialize<MessagePart>(p))).ToList();
            foreach (var candidate in parts.SelectMany(BlobReferences.Candidates))
            {
                if (blobIds.Contains(candidate) || notBlobs.Contains(candidate))
                    continue;
                var blob = await store.GetImageAsync(c.Id, candidate, cancellationToken);
                if (blob is null)
                {
                    notBlobs.Add(candidate);
                    continue;
                }
                blobIds.Add(candidate);
                blobs.Add(new ExportedBlob(blob.Id, blob.MediaType, Convert.ToBase64String(blob.Data)));
            }
            exported.Add(new ExportedMessage(m.Id, m.ParentId, m.Role, parts, m.Model, m.Status,
                Element(m.Error), Element(m.Usage), Element(m.Timings), m.CreatedAt));
        }
        return new ExportedConversation(c.Id, c.Title, c.HasTitle, c.SystemPrompt, c.Model, c.Temperature, c.MaxTokens, c.Tools,
            c.CreatedAt, c.UpdatedAt, exported, blobs, c.Pinned, c.FolderId is { } folder && knownFolders.Contains(folder) ? folder : null);
    }

    private static JsonElement? Element<T>(T? value) where T : class =>
        MessagePartsJson.SerializeOrNull(value) is { } json ? JsonSerializer.Deserialize<JsonElement>(json) : null;
}
