namespace Parley.Conversations;

/// <summary>A message's place in its conversation's tree without its contents (and its usage, for the totals).</summary>
public sealed record MessageNode(string Id, string? ParentId, string Role, TokenUsage? Usage = null);
