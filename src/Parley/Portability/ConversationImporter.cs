using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Folders;
using Parley.Storage;

namespace Parley.Portability;

/// <summary>What to do when an imported Parley conversation's id is already one of the caller's conversations.</summary>
public enum ImportConflicts
{
    /// <summary>Import a copy under new ids (conversation, messages, blobs); the response maps old ids to new ones.</summary>
    Copy,

    /// <summary>Refuse the whole import with 409 <c>import_conflict</c> listing the ids.</summary>
    Fail,
}

public sealed record ImportResult(string Format, IReadOnlyList<ImportedConversation> Conversations, IReadOnlyList<ImportedFolder> Folders)
{
    public int Imported => Conversations.Count;
}

/// <param name="FolderId">The caller's folder it was filed in, null for none.</param>
public sealed record ImportedConversation(string Id, string SourceId, string Title, int Messages, bool NewIds, string? FolderId = null);

/// <summary>A folder of the file (<see cref="Name"/> as the file names it): <see cref="Id"/> is the folder added for it (<see cref="Created"/>) or the caller's folder it was matched to.</summary>
public sealed record ImportedFolder(string Id, string SourceId, string Name, bool Created);

/// <summary>
/// Imports a Parley export or ChatGPT's conversations.json. The whole file is read and validated before the first
/// write; ids from a Parley export are kept when free. The conversations are written in one store transaction, so a
/// failed or interrupted import (even a crash) leaves them as they were; the folders it added are deleted again after
/// a failure. A folder of the file goes into the caller's folder with the same id, else the one with the same name,
/// else a new folder under the file's id when free (a new id otherwise); the caller's folders are never renamed.
/// </summary>
public sealed class ConversationImporter(IConversationStore store, IFolderStore folders, IOptions<ImportOptions> options, TimeProvider time)
{
    public ImportPlan Plan(JsonElement root, string owner)
    {
        var limits = options.Value;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out var format))
        {
            return format.ValueKind == JsonValueKind.String && format.GetString() == ParleyExport.FormatName
                ? ParleyJsonReader.Read(root, owner, limits)
                : throw new ImportException(ImportCodes.UnknownFormat, 400,
                    $"'format' is {format.GetRawText()}; this server imports \"{ParleyExport.FormatName}\" files and ChatGPT's conversations.json.", "$.format");
        }
        if (root.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("mapping", out _))
                    throw new ImportException(ImportCodes.UnknownFormat, 400,
                        "An array must be ChatGPT's conversations.json: every element a conversation with a 'mapping'.", $"$[{index}]");
                index++;
            }
            return ChatGptReader.Read(root, owner, limits, time.UtcNowStored());
        }
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("mapping", out _))
            return ChatGptReader.Read(root, owner, limits, time.UtcNowStored());
        throw new ImportException(ImportCodes.UnknownFormat, 400,
            $"The file is neither a Parley export (\"format\": \"{ParleyExport.FormatName}\") nor ChatGPT's conversations.json (an array of conversations with a 'mapping').", "$");
    }

    public async Task<ImportResult> ImportAsync(ImportPlan plan, string owner, ImportConflicts conflicts, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var planned in plan.Conversations.Where(p => p.KeepIds))
        {
            if (await store.GetConversationAsync(owner, planned.Conversation.Id, cancellationToken) is not null)
                taken.Add(planned.Conversation.Id);
        }
        if (taken.Count > 0 && conflicts == ImportConflicts.Fail)
            throw new ImportException(ImportCodes.Conflict, 409,
                $"{taken.Count} conversation(s) in the file already exist: {string.Join(", ", taken.Take(20))}. Import with ?onConflict=copy to add copies under new ids.",
                "$.conversations", [.. taken]);

        var (folderIds, newFolders) = await MapFoldersAsync(plan.Folders, owner, cancellationToken);
        var keep = plan.Conversations.Select(p => p.KeepIds && !taken.Contains(p.Conversation.Id)).ToList();
        List<PlannedConversation> toWrite;
        var added = new List<Folder>();
        try
        {
            foreach (var folder in newFolders)
            {
                var stored = await AddFolderAsync(folder, cancellationToken);
                added.Add(stored);
                folderIds[folder.Id] = stored.Id;
            }
            toWrite = [.. plan.Conversations.Select((p, i) => Filed(keep[i] ? p : WithNewIds(p), folderIds))];
            try
            {
                await store.AddConversationsAsync([.. toWrite.Select(Whole)], cancellationToken);
            }
            catch (Exception) when (keep.Any(k => k) && !cancellationToken.IsCancellationRequested)
            {
                // An id in the file belongs to something the caller cannot see (another owner's conversation, message or
                // blob). Nothing was written; the whole file goes in again under new ids, without saying which id it was.
                toWrite = [.. plan.Conversations.Select(p => Filed(WithNewIds(p), folderIds))];
                await store.AddConversationsAsync([.. toWrite.Select(Whole)], cancellationToken);
            }
        }
        catch
        {
            foreach (var folder in added)
                await folders.DeleteAsync(owner, folder.Id, CancellationToken.None);
            throw;
        }
        var addedIds = added.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        return new ImportResult(plan.Format, [.. plan.Conversations.Zip(toWrite, (planned, written) => new ImportedConversation(
                written.Conversation.Id, planned.SourceId, written.Conversation.Title, written.Messages.Count,
                planned.KeepIds && written.Conversation.Id != planned.Conversation.Id, written.Conversation.FolderId))],
            [.. plan.Folders.Select(f => new ImportedFolder(folderIds[f.SourceId], f.SourceId, f.Name, addedIds.Contains(folderIds[f.SourceId])))]);
    }

    /// <summary>
    /// Which of the caller's folders each folder of the file goes into (same id, else same name), and the folders to add
    /// under the file's ids (refused past the per-owner limit).
    /// </summary>
    private async Task<(Dictionary<string, string> Ids, List<Folder> New)> MapFoldersAsync(
        IReadOnlyList<PlannedFolder> planned, string owner, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var added = new List<Folder>();
        if (planned.Count == 0)
            return (ids, added);
        var existing = await folders.ListAsync(owner, cancellationToken);
        foreach (var folder in planned)
        {
            if ((existing.FirstOrDefault(f => f.Id == folder.SourceId) ?? existing.FirstOrDefault(f => f.Name == folder.Name)) is { } same)
                ids[folder.SourceId] = same.Id;
            else
                added.Add(new Folder(folder.SourceId, owner, folder.Name, folder.CreatedAt ?? time.UtcNowStored()));
        }
        if (existing.Count + added.Count > Folder.MaxPerOwner)
            throw new ImportException(ImportCodes.TooMany, 400,
                $"The file adds {added.Count} folder(s) to your {existing.Count}; one owner has at most {Folder.MaxPerOwner}. Delete some folders first.", "$.folders");
        return (ids, added);
    }

    /// <summary>Adds the folder under the file's id, or under a new one when that id is taken by a folder the caller cannot see.</summary>
    private async Task<Folder> AddFolderAsync(Folder folder, CancellationToken cancellationToken)
    {
        try
        {
            await folders.AddAsync(folder, cancellationToken);
            return folder;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            var renamed = folder with { Id = Folder.NewId() };
            await folders.AddAsync(renamed, cancellationToken);
            return renamed;
        }
    }

    /// <summary>The conversation filed in the caller's folder that its folder in the file maps to.</summary>
    private static PlannedConversation Filed(PlannedConversation planned, Dictionary<string, string> folderIds) =>
        planned.Conversation.FolderId is { } folder
            ? planned with { Conversation = planned.Conversation with { FolderId = folderIds[folder] } }
            : planned;

    private static WholeConversation Whole(PlannedConversation planned) =>
        new(planned.Conversation, planned.Blobs, planned.Messages);

    /// <summary>The same conversation under fresh ids, with parent links and blob references rewritten to match.</summary>
    internal static PlannedConversation WithNewIds(PlannedConversation planned)
    {
        var conversationId = Conversation.NewId();
        var messageIds = planned.Messages.ToDictionary(m => m.Id, _ => StoredMessage.NewId(), StringComparer.Ordinal);
        var blobIds = planned.Blobs.ToDictionary(b => b.Id, _ => Ids.New("i"), StringComparer.Ordinal);
        return planned with
        {
            Conversation = planned.Conversation with { Id = conversationId },
            Blobs = [.. planned.Blobs.Select(b => b with { Id = blobIds[b.Id], ConversationId = conversationId })],
            Messages = [.. planned.Messages.Select(m => m with
            {
                Id = messageIds[m.Id],
                ConversationId = conversationId,
                ParentId = m.ParentId is null ? null : messageIds[m.ParentId],
                Parts = [.. m.Parts.Select(p => Rewrite(p, blobIds))],
            })],
        };
    }

    private static MessagePart Rewrite(MessagePart part, Dictionary<string, string> blobIds)
    {
        var json = JsonSerializer.Deserialize<JsonElement>(MessagePartsJson.Serialize(part));
        var rewritten = BlobReferences.Rewrite(json, blobIds);
        return rewritten.GetRawText() == json.GetRawText()
            ? part
            : MessagePartsJson.Deserialize<MessagePart>(rewritten.GetRawText())!;
    }
}
