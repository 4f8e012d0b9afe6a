using System.Text;
using System.Text.Json;
using Parley.Conversations;
using static Parley.Portability.JsonFields;

namespace Parley.Portability;

/// <summary>
/// Reads ChatGPT's <c>conversations.json</c> (an array of conversations whose <c>mapping</c> holds a tree of nodes
/// <c>{id, parent, children, message}</c>) into Parley conversations with fresh ids. Every branch is kept; the path
/// to <c>current_node</c> is written last so it is the active branch. Hidden system nodes, empty nodes and the
/// model's private reasoning are dropped (their children hang from the nearest kept ancestor); a non-empty
/// system message becomes the system prompt; an assistant message addressed to a tool (<c>recipient</c>) becomes a
/// tool call and the tool's answer its result. Uploaded images are not inside conversations.json, so they become
/// a note naming the missing file.
/// </summary>
internal static class ChatGptReader
{
    private static readonly HashSet<string> Skipped = ["thoughts", "reasoning_recap", "user_editable_context", "model_editable_context"];

    public static ImportPlan Read(JsonElement root, string owner, ImportOptions limits, DateTimeOffset now)
    {
        var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
        if (items.Count > limits.MaxConversations)
            throw new ImportException(ImportCodes.TooMany, 400,
                $"The file holds {items.Count} conversations; one import takes at most {limits.MaxConversations}.", "$");
        var seen = new DuplicateIds();
        var planned = new List<PlannedConversation>();
        for (var i = 0; i < items.Count; i++)
        {
            var path = root.ValueKind == JsonValueKind.Array ? $"$[{i}]" : "$";
            planned.Add(ReadConversation(items[i], path, owner, limits, seen, now));
        }
        return new ImportPlan("chatgpt", planned);
    }

    private sealed record Node(string Id, string? Parent, List<string> Children, JsonElement Message, string Path);

    private static PlannedConversation ReadConversation(JsonElement c, string path, string owner, ImportOptions limits, DuplicateIds seen, DateTimeOffset now)
    {
        var mapping = Object(c, "mapping", path);
        var sourceId = OptionalString(c, "conversation_id", path, 200) ?? OptionalString(c, "id", path, 200);
        if (sourceId is not null)
            seen.Add("conversation", sourceId, $"{path}.id");
        var created = UnixSeconds(c, "create_time", path) ?? now;
        var updated = UnixSeconds(c, "update_time", path) ?? created;
        var currentNode = OptionalString(c, "current_node", path, 200);

        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var property in mapping.EnumerateObject())
        {
            var nodePath = $"{path}.mapping[{JsonSerializer.Serialize(property.Name)}]";
            if (property.Value.ValueKind != JsonValueKind.Object)
                throw ImportException.Invalid(nodePath, "A mapping node must be an object");
            var children = new List<string>();
            var index = 0;
            foreach (var child in Array(property.Value, "children", nodePath, optional: true).EnumerateArray())
            {
                children.Add(child.ValueKind == JsonValueKind.String ? child.GetString()!
                    : throw ImportException.Invalid($"{nodePath}.children[{index}]", "A child must be a node id"));
                index++;
            }
            var message = Property(property.Value, "message", nodePath);
            if (message.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
                throw ImportException.Invalid($"{nodePath}.message", "'message' must be an object or null");
            if (!nodes.TryAdd(property.Name, new Node(property.Name, OptionalString(property.Value, "parent", nodePath, 200), children, message, nodePath)))
                throw new ImportException(ImportCodes.DuplicateId, 400, $"The node id '{property.Name}' appears twice in a mapping.", nodePath, [property.Name]);
        }
        if (nodes.Count > limits.MaxMessagesPerConversation)
            throw new ImportException(ImportCodes.TooMany, 400,
                $"A conversation holds {nodes.Count} nodes; at most {limits.MaxMessagesPerConversation} are allowed.", $"{path}.mapping");

        var conversation = new Conversation
        {
            Id = Conversation.NewId(),
            Owner = owner,
            Title = (OptionalString(c, "title", path) is { Length: > 0 } t ? t.ReplaceLineEndings(" ").Trim() : "Imported chat") is var title && title.Length > 200 ? title[..200] : title,
            HasTitle = true,
            CreatedAt = created,
            UpdatedAt = updated < created ? created : updated,
        };
        var active = ActivePath(nodes, currentNode);
        var builder = new TreeBuilder(conversation, nodes, active, created);
        foreach (var root in nodes.Values.Where(n => n.Parent is null || !nodes.ContainsKey(n.Parent)).OrderBy(n => active.Contains(n.Id) ? 1 : 0).ToList())
            builder.Visit(root, null);
        return new PlannedConversation(sourceId ?? conversation.Id, conversation with { SystemPrompt = builder.SystemPrompt }, builder.Messages, [], KeepIds: false);
    }

    private static HashSet<string> ActivePath(Dictionary<string, Node> nodes, string? current)
    {
        var path = new HashSet<string>(StringComparer.Ordinal);
        for (var id = current; id is not null && nodes.TryGetValue(id, out var node) && path.Add(id); id = node.Parent)
        {
        }
        return path;
    }

    /// <summary>Walks the tree depth first, other branches before the active one, so the active leaf is written last.</summary>
    private sealed class TreeBuilder(Conversation conversation, Dictionary<string, Node> nodes, HashSet<string> active, DateTimeOffset created)
    {
        private readonly HashSet<string> _visited = new(StringComparer.Ordinal);

        public List<StoredMessage> Messages { get; } = [];

        public string? SystemPrompt { get; private set; }

        public void Visit(Node root, StoredMessage? keptParent)
        {
            var stack = new Stack<(Node Node, StoredMessage? Parent)>();
            stack.Push((root, keptParent));
            while (stack.Count > 0)
            {
                var (node, parent) = stack.Pop();
                if (!_visited.Add(node.Id))
                    continue;
                var kept = Convert(node, parent);
                if (kept is not null)
                    Messages.Add(kept);
                var children = node.Children.Where(nodes.ContainsKey).Select(id => nodes[id])
                    .OrderBy(n => active.Contains(n.Id) ? 1 : 0).ToList();
                for (var i = children.Count - 1; i >= 0; i--)
                    stack.Push((children[i], kept ?? parent));
            }
        }

        private StoredMessage? Convert(Node node, StoredMessage? parent)
        {
            var m = node.Message;
            if (m.ValueKind != JsonValueKind.Object)
                return null;
            var path = $"{node.Path}.message";
            var role = String(Object(m, "author", path), "role", $"{path}.author", 50);
            var content = Object(m, "content", path);
            var contentType = String(content, "content_type", $"{path}.content", 100);
            if (Skipped.Contains(contentType))
                return null;
            var text = Text(content, $"{path}.content");
            if (text.Length == 0)
                return null;
            var metadata = Has(m, "metadata") ? Property(m, "metadata", path) : default;
            if (role == "system")
            {
                if (SystemPrompt is null && !(metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("is_visually_hidden_from_conversation", out var hidden) && hidden.ValueKind == JsonValueKind.True))
                    SystemPrompt = text;
                return null;
            }

            var message = new StoredMessage
            {
                Id = StoredMessage.NewId(),
                ConversationId = conversation.Id,
                ParentId = parent?.Id,
                Role = MessageRoles.User,
                CreatedAt = UnixSeconds(m, "create_time", path) ?? parent?.CreatedAt ?? created,
                Status = OptionalString(m, "status", path, 100) is "in_progress" ? MessageStatus.Incomplete : MessageStatus.Complete,
            };
            switch (role)
            {
                case "user":
                    return message with { Parts = [new TextPart(text)] };
                case "assistant":
                    var model = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("model_slug", out var slug) && slug.ValueKind == JsonValueKind.String
                        ? "chatgpt/" + slug.GetString() : null;
                    var recipient = OptionalString(m, "recipient", path, 200);
                    MessagePart part = recipient is null or "all"
                        ? new TextPart(text)
                        : new ToolCallPart("call_" + node.Id, ToolName(recipient), JsonSerializer.Serialize(new { input = text }));
                    return message with { Role = MessageRoles.Assistant, Model = model, Parts = [part] };
                case "tool":
                    var name = ToolName(Has(Object(m, "author", path), "name") ? String(Object(m, "author", path), "name", $"{path}.author", 200) : "tool");
                    return parent?.Parts.OfType<ToolCallPart>().FirstOrDefault() is { } call
                        ? message with { Role = MessageRoles.Tool, Parts = [new ToolResultPart(call.CallId, name, text, false)] }
                        : message with { Role = MessageRoles.Assistant, Parts = [new TextPart($"[{name}] {text}")] };
                default:
                    throw ImportException.Invalid($"{path}.author.role", $"Unknown author role '{role}' (expected user, assistant, system or tool)");
            }
        }

        /// <summary>ChatGPT's tool names (<c>dalle.text2im</c>, <c>browser</c>) in the form providers accept for function names.</summary>
        private static string ToolName(string name)
        {
            var safe = new string([.. name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '_')]);
            return safe.Length > 64 ? safe[..64] : safe;
        }

        private static string Text(JsonElement content, string path)
        {
            var text = new StringBuilder();
            if (Has(content, "parts"))
            {
                var index = 0;
                foreach (var part in Array(content, "parts", path).EnumerateArray())
                {
                    var piece = part.ValueKind switch
                    {
                        JsonValueKind.String => part.GetString()!,
                        JsonValueKind.Object => ObjectPart(part),
                        JsonValueKind.Null => "",
                        _ => throw ImportException.Invalid($"{path}.parts[{index}]", "A part must be a string or an object"),
                    };
                    if (piece.Length > 0)
                        text.Append(text.Length > 0 ? "\n" : "").Append(piece);
                    index++;
                }
            }
            foreach (var field in new[] { "title", "text", "result" })
            {
                if (Has(content, field) && Property(content, field, path) is { ValueKind: JsonValueKind.String } value && value.GetString()!.Length > 0)
                    text.Append(text.Length > 0 ? "\n" : "").Append(value.GetString());
            }
            return text.ToString().Trim();
        }

        private static string ObjectPart(JsonElement part)
        {
            var type = part.TryGetProperty("content_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type == "image_asset_pointer")
            {
                var pointer = part.TryGetProperty("asset_pointer", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : "unknown";
                return $"[image not included in conversations.json: {pointer}]";
            }
            if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                return text.GetString()!;
            return $"[{type ?? "attachment"} not included in conversations.json]";
        }
    }
}
