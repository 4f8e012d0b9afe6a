using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Conversations;
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

public sealed record ImportResult(string Format, IReadOnlyList<ImportedConversation> Conversations)
{
    public int Imported => Conversations.Count;
}

public sealed record ImportedConversation(string Id, string SourceId, string Title, int Messages, bool NewIds);

/// <summary>
/// Imports a Parley export or ChatGPT's conversations.json. The whole file is read and validated before the first
/// write; ids from a Parley export are kept when free. Everything is written in one store transaction, so a failed or
/// interrupted import (even a crash) leaves the store as it was.
/// </summary>
public sealed class ConversationImporter(IConversationStore store, IOptions<ImportOptions> options, TimeProvider time)
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

        var toWrite = plan.Conversations
            .Select(p => p.KeepIds && !taken.Contains(p.Conversation.Id) ? p : WithNewIds(p))
            .ToList();
        try
        {
            await store.AddConversationsAsync([.. toWrite.Select(Whole)], cancellationToken);
        }
        catch (Exception) when (toWrite.Where((written, i) => ReferenceEquals(written, plan.Conversations[i])).Any(p => p.KeepIds)
            && !cancellationToken.IsCancellationRequested)
        {
            // An id in the file belongs to something the caller cannot see (another owner's conversation, message or
            // blob). Nothing was written; the whole file goes in again under new ids, without saying which id it was.
            toWrite = [.. plan.Conversations.Select(WithNewIds)];
            await store.AddConversationsAsync([.. toWrite.Select(Whole)], cancellationToken);
        }
        return new ImportResult(plan.Format, [.. plan.Conversations.Zip(toWrite, (planned, written) => new ImportedConversation(
            written.Conversation.Id, planned.SourceId, written.Conversation.Title, written.Messages.Count,
            planned.KeepIds && written.Conversation.Id != planned.Conversation.Id))]);
    }

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
