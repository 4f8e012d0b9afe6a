namespace Parley.Conversations;

/// <summary>Walks a conversation's message tree (messages link to their parent; siblings are versions).</summary>
public static class MessageTree
{
    /// <summary>The messages from the root down to <paramref name="leafId"/>, oldest first; empty for null.</summary>
    public static List<StoredMessage> PathTo(IReadOnlyList<StoredMessage> messages, string? leafId)
    {
        var byId = messages.ToDictionary(m => m.Id, StringComparer.Ordinal);
        var path = new List<StoredMessage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = leafId; id is not null && byId.TryGetValue(id, out var message) && seen.Add(id); id = message.ParentId)
            path.Add(message);
        path.Reverse();
        return path;
    }

    /// <summary>The newest message, which is where a message with no explicit parent continues.</summary>
    public static string? NewestLeaf(IReadOnlyList<StoredMessage> messages) => messages.Count == 0 ? null : messages[^1].Id;
}
