using System.Text.Json;
using Parley.Conversations;
using Parley.Folders;
using Parley.Storage;
using static Parley.Portability.JsonFields;

namespace Parley.Portability;

/// <summary>Reads and fully validates a Parley export (<see cref="ParleyExport"/>) into an <see cref="ImportPlan"/>.</summary>
internal static class ParleyJsonReader
{
    private static readonly HashSet<string> Roles = [MessageRoles.User, MessageRoles.Assistant, MessageRoles.Tool];
    private static readonly HashSet<string> Statuses =
        [MessageStatus.Complete, MessageStatus.Incomplete, MessageStatus.Error, MessageStatus.Interrupted, MessageStatus.Streaming];

    public static ImportPlan Read(JsonElement root, string owner, ImportOptions limits)
    {
        var version = Property(root, "version", "$");
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v) || v != ParleyExport.CurrentVersion)
            throw new ImportException(ImportCodes.UnsupportedVersion, 400,
                $"This server reads Parley export version {ParleyExport.CurrentVersion}; the file says {version.GetRawText()}.", "$.version");
        var conversations = Array(root, "conversations", "$");
        if (conversations.GetArrayLength() > limits.MaxConversations)
            throw new ImportException(ImportCodes.TooMany, 400,
                $"The file holds {conversations.GetArrayLength()} conversations; one import takes at most {limits.MaxConversations}.", "$.conversations");

        var ids = new DuplicateIds();
        var folders = ReadFolders(root, ids);
        var folderIds = folders.Select(f => f.SourceId).ToHashSet(StringComparer.Ordinal);
        var planned = new List<PlannedConversation>();
        var index = 0;
        foreach (var element in conversations.EnumerateArray())
            planned.Add(ReadConversation(element, $"$.conversations[{index++}]", owner, limits, ids, folderIds));
        return new ImportPlan("parley", planned) { Folders = folders };
    }

    /// <summary>The optional <c>folders</c> (files written before folders existed have none), named as the folders API names them.</summary>
    private static List<PlannedFolder> ReadFolders(JsonElement root, DuplicateIds ids)
    {
        var json = Array(root, "folders", "$", optional: true);
        if (json.GetArrayLength() > Folder.MaxPerOwner)
            throw new ImportException(ImportCodes.TooMany, 400,
                $"The file holds {json.GetArrayLength()} folders; one owner has at most {Folder.MaxPerOwner}.", "$.folders");
        var folders = new List<PlannedFolder>();
        var index = 0;
        foreach (var f in json.EnumerateArray())
        {
            var path = $"$.folders[{index++}]";
            var id = Id(f, "id", path);
            ids.Add("folder", id, $"{path}.id");
            var name = String(f, "name", path, 1000).Trim();
            if (name.Length is 0 or > Folder.MaxNameLength || name.Any(char.IsControl))
                throw ImportException.Invalid($"{path}.name",
                    $"'name' must be 1 to {Folder.MaxNameLength} characters without control characters such as line breaks");
            folders.Add(new PlannedFolder(id, name, Has(f, "createdAt") ? Time(f, "createdAt", path) : null));
        }
        return folders;
    }

    private static PlannedConversation ReadConversation(
        JsonElement c, string path, string owner, ImportOptions limits, DuplicateIds ids, HashSet<string> folderIds)
    {
        var id = Id(c, "id", path);
        ids.Add("conversation", id, $"{path}.id");
        var title = String(c, "title", path, 200);
        var conversation = new Conversation
        {
            Id = id,
            Owner = owner,
            Title = title.Length == 0 ? "New chat" : title,
            HasTitle = Bool(c, "hasTitle", path),
            Pinned = Bool(c, "pinned", path),
            FolderId = OptionalString(c, "folderId", path, 100) is not { } folder ? null
                : folderIds.Contains(folder) ? folder
                : throw ImportException.Invalid($"{path}.folderId", $"Folder '{folder}' is not among the file's folders ($.folders)"),
            SystemPrompt = OptionalString(c, "systemPrompt", path),
            Model = OptionalString(c, "model", path, 200),
            Temperature = OptionalNumber(c, "temperature", path, 0, 2),
            MaxTokens = OptionalNumber(c, "maxTokens", path, 1, 1_000_000) is { } n && n == Math.Floor(n) ? (int)n
                : Has(c, "maxTokens") ? throw ImportException.Invalid($"{path}.maxTokens", "'maxTokens' must be a whole number") : null,
            Tools = Has(c, "tools") ? ReadTools(Array(c, "tools", path), $"{path}.tools") : null,
            CreatedAt = Time(c, "createdAt", path),
            UpdatedAt = Time(c, "updatedAt", path),
        };

        var blobs = new List<StoredImage>();
        var blobIndex = 0;
        foreach (var b in Array(c, "blobs", path, optional: true).EnumerateArray())
            blobs.Add(ReadBlob(b, $"{path}.blobs[{blobIndex++}]", id, ids));
        var blobIds = blobs.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);

        var messagesJson = Array(c, "messages", path);
        if (messagesJson.GetArrayLength() > limits.MaxMessagesPerConversation)
            throw new ImportException(ImportCodes.TooMany, 400,
                $"A conversation holds {messagesJson.GetArrayLength()} messages; at most {limits.MaxMessagesPerConversation} are allowed.", $"{path}.messages");
        var messages = new List<StoredMessage>();
        var earlier = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var m in messagesJson.EnumerateArray())
        {
            var message = ReadMessage(m, $"{path}.messages[{index++}]", id, earlier, blobIds, ids);
            earlier.Add(message.Id);
            messages.Add(message);
        }
        return new PlannedConversation(id, conversation, messages, blobs, KeepIds: true);
    }

    private static StoredMessage ReadMessage(
        JsonElement m, string path, string conversationId, HashSet<string> earlier, HashSet<string> blobIds, DuplicateIds ids)
    {
        var id = Id(m, "id", path);
        ids.Add("message", id, $"{path}.id");
        var parentId = OptionalString(m, "parentId", path, 100);
        if (parentId is not null && !earlier.Contains(parentId))
            throw ImportException.Invalid($"{path}.parentId", $"Parent '{parentId}' is not an earlier message of this conversation");
        var role = String(m, "role", path, 20);
        if (!Roles.Contains(role))
            throw ImportException.Invalid($"{path}.role", "'role' must be user, assistant or tool");
        var status = OptionalString(m, "status", path, 20) ?? MessageStatus.Complete;
        if (!Statuses.Contains(status))
            throw ImportException.Invalid($"{path}.status", "'status' must be complete, incomplete, interrupted, error or streaming");
        // Nothing writes an imported reply: one exported while it streamed is what was saved then.
        if (status == MessageStatus.Streaming)
            status = MessageStatus.Interrupted;

        var parts = new List<MessagePart>();
        var index = 0;
        foreach (var p in Array(m, "parts", path).EnumerateArray())
            parts.Add(ReadPart(p, $"{path}.parts[{index++}]", blobIds));

        return new StoredMessage
        {
            Id = id,
            ConversationId = conversationId,
            ParentId = parentId,
            Role = role,
            Parts = parts,
            Model = OptionalString(m, "model", path, 200),
            Status = status,
            Error = Has(m, "error") ? Deserialize<MessageError>(Property(m, "error", path), $"{path}.error", "'error'") : null,
            Usage = Has(m, "usage") ? Deserialize<TokenUsage>(Property(m, "usage", path), $"{path}.usage", "'usage'") : null,
            Timings = Has(m, "timings") ? Deserialize<MessageTimings>(Property(m, "timings", path), $"{path}.timings", "'timings'") : null,
            CreatedAt = Time(m, "createdAt", path),
        };
    }

    private static MessagePart ReadPart(JsonElement p, string path, HashSet<string> blobIds)
    {
        if (p.ValueKind != JsonValueKind.Object || !Has(p, "type"))
            throw ImportException.Invalid(path, "A part must be an object with a 'type'");
        var part = Deserialize<MessagePart>(p, path, $"A '{Property(p, "type", path)}' part");
        var missing = part switch
        {
            TextPart { Text: null } => "text",
            ImagePart { ImageId: null } => "imageId",
            ImagePart { MediaType: null } => "mediaType",
            ToolCallPart { CallId: null } => "callId",
            ToolCallPart { Name: null } => "name",
            ToolCallPart { Arguments: null } => "arguments",
            ToolResultPart { CallId: null } => "callId",
            ToolResultPart { Name: null } => "name",
            ToolResultPart { Result: null } => "result",
            _ => null,
        };
        if (missing is not null)
            throw ImportException.Invalid($"{path}.{missing}", $"'{missing}' is required");
        if (part is ImagePart image && !blobIds.Contains(image.ImageId))
            throw ImportException.Invalid($"{path}.imageId", $"Image '{image.ImageId}' is not among this conversation's blobs");
        return part;
    }

    private static StoredImage ReadBlob(JsonElement b, string path, string conversationId, DuplicateIds ids)
    {
        var id = Id(b, "id", path);
        ids.Add("blob", id, $"{path}.id");
        var mediaType = String(b, "mediaType", path, 200);
        if (!mediaType.Contains('/', StringComparison.Ordinal) || mediaType.Any(char.IsWhiteSpace))
            throw ImportException.Invalid($"{path}.mediaType", "'mediaType' must be a media type such as image/png");
        var data = String(b, "data", path);
        try
        {
            return new StoredImage(id, conversationId, mediaType, Convert.FromBase64String(data));
        }
        catch (FormatException)
        {
            throw ImportException.Invalid($"{path}.data", "'data' must be base64");
        }
    }

    private static List<string> ReadTools(JsonElement tools, string path)
    {
        var names = new List<string>();
        var index = 0;
        foreach (var t in tools.EnumerateArray())
        {
            names.Add(t.ValueKind == JsonValueKind.String && t.GetString()!.Length is > 0 and <= 200
                ? t.GetString()!
                : throw ImportException.Invalid($"{path}[{index}]", "A tool must be named by a string"));
            index++;
        }
        return names;
    }
}

/// <summary>Refuses a file that uses the same id twice (ids are unique across a whole store).</summary>
internal sealed class DuplicateIds
{
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    public void Add(string kind, string id, string path)
    {
        if (!_seen.TryAdd($"{kind}:{id}", path))
            throw new ImportException(ImportCodes.DuplicateId, 400,
                $"The {kind} id '{id}' appears twice in the file (at {_seen[$"{kind}:{id}"]} and {path}); ids must be unique.", path, [id]);
    }
}
