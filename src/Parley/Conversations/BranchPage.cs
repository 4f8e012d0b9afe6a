namespace Parley.Conversations;

/// <summary>
/// One page of a conversation as a reader sees it: the active branch (root to <see cref="LeafId"/>) resolved on the
/// server, newest turns first. <see cref="Ids"/> names the page's part of the branch, oldest first, followed by the
/// other versions (siblings) of those messages, so a reader can offer "2/3" without the rest of the tree.
/// <see cref="OlderCursor"/> names the oldest message of the page when older turns exist (pass it as <c>before</c>).
/// <see cref="Complete"/> says the page is the whole conversation (every message of every branch). <see cref="Older"/>
/// totals the branch's messages before the page (none when the page starts the branch), so a reader shows what the whole
/// branch holds without loading it. Cut from the tree alone (<see cref="MessageNode"/>), so only the page's messages are read in full.
/// </summary>
public sealed record BranchPage(string? LeafId, IReadOnlyList<string> Ids, string? OlderCursor, bool Complete)
{
    public BranchTotals Older { get; init; } = BranchTotals.None;

    /// <summary>
    /// The page of <paramref name="nodes"/> (stored order, oldest first) ending before <paramref name="before"/> (the
    /// newest when null) on the branch to <paramref name="leafId"/>, holding at most <paramref name="limit"/> branch messages
    /// widened to start at a user message. Null when <paramref name="before"/> is not on that branch.
    /// </summary>
    public static BranchPage? Of(IReadOnlyList<MessageNode> nodes, string? leafId, string? before, int limit)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (before is null && nodes.Count <= limit)
            return new BranchPage(leafId, [.. nodes.Select(n => n.Id)], null, true);
        var path = PathTo(nodes, leafId);
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
        var versions = nodes.Where(m => !onPage.Contains(m.Id) && parents.Contains(m.ParentId ?? "")).Select(m => m.Id);
        return new BranchPage(leafId, [.. page.Select(m => m.Id), .. versions], start > 0 ? path[start].Id : null, false)
        {
            Older = BranchTotals.Of(path.Take(start)),
        };
    }

    /// <summary>
    /// The leaf to show: the newest leaf under <paramref name="requested"/> (a version the reader switched to) or under
    /// the branch saved with the conversation, else the newest message.
    /// </summary>
    public static string? ResolveLeaf(IReadOnlyList<MessageNode> nodes, string? requested, string? saved)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var from = requested ?? saved;
        if (from is null || !nodes.Any(m => m.Id == from))
            return nodes.Count == 0 ? null : nodes[^1].Id;
        var children = nodes.Where(m => m.ParentId is not null).ToLookup(m => m.ParentId!, StringComparer.Ordinal);
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
            rank[nodes[i].Id] = i;
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

    private static List<MessageNode> PathTo(IReadOnlyList<MessageNode> nodes, string? leafId)
    {
        var byId = new Dictionary<string, MessageNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
            byId[node.Id] = node;
        var path = new List<MessageNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = leafId; id is not null && byId.TryGetValue(id, out var node) && seen.Add(id); id = node.ParentId)
            path.Add(node);
        path.Reverse();
        return path;
    }
}
