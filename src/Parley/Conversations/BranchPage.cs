namespace Parley.Conversations;

/// <summary>
/// One page of a conversation as a reader sees it: the active branch (root to <see cref="LeafId"/>) resolved on the
/// server, newest turns first. <see cref="Messages"/> holds the page's part of the branch, oldest first, followed by the
/// other versions (siblings) of those messages, so a reader can offer "2/3" without the rest of the tree.
/// <see cref="OlderCursor"/> names the oldest message of the page when older turns exist (pass it as <c>before</c>).
/// <see cref="Complete"/> says the page is the whole conversation (every message of every branch).
/// </summary>
public sealed record BranchPage(string? LeafId, IReadOnlyList<StoredMessage> Messages, string? OlderCursor, bool Complete)
{
    /// <summary>
    /// The page of <paramref name="messages"/> (stored order, oldest first) ending before <paramref name="before"/> (the
    /// newest when null) on the branch to <paramref name="leafId"/>, holding at most <paramref name="limit"/> branch messages
    /// widened to start at a user message. Null when <paramref name="before"/> is not on that branch.
    /// </summary>
    public static BranchPage? Of(IReadOnlyList<StoredMessage> messages, string? leafId, string? before, int limit)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (before is null && messages.Count <= limit)
            return new BranchPage(leafId, messages, null, true);
        var path = MessageTree.PathTo(messages, leafId);
        var end = path.Count;
        if (before is not null)
        {
            end = path.FindIndex(m => m.Id == before);
            if (end < 0)
                return null;
        }
        var start = Math.Max(0, end - limit);
        // A turn is not cut in two: the page starts at its user message (a few steps back at most).
        for (var back = 0; start > 0 && path[start].Role != MessageRoles.User && back < limit; back++)
            start--;
        var page = path.GetRange(start, end - start);
        var onPage = page.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var parents = page.Select(m => m.ParentId ?? "").ToHashSet(StringComparer.Ordinal);
        var versions = messages.Where(m => !onPage.Contains(m.Id) && parents.Contains(m.ParentId ?? "")).ToList();
        return new BranchPage(leafId, [.. page, .. versions], start > 0 ? path[start].Id : null, false);
    }

    /// <summary>
    /// The leaf to show: the newest leaf under <paramref name="requested"/> (a version the reader switched to) or under
    /// the branch saved with the conversation, else the newest message.
    /// </summary>
    public static string? ResolveLeaf(IReadOnlyList<StoredMessage> messages, string? requested, string? saved)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var from = requested ?? saved;
        if (from is null || !messages.Any(m => m.Id == from))
            return MessageTree.NewestLeaf(messages);
        var children = messages.Where(m => m.ParentId is not null).ToLookup(m => m.ParentId!, StringComparer.Ordinal);
        var rank = messages.Select((m, i) => (m.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var best = from;
        var bestRank = -1;
        var stack = new Stack<string>([from]);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            var kids = children[id].ToList();
            if (kids.Count == 0 && rank[id] > bestRank)
                (best, bestRank) = (id, rank[id]);
            foreach (var kid in kids)
                stack.Push(kid.Id);
        }
        return best;
    }
}
