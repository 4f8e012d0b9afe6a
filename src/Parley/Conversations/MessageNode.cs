namespace Parley.Conversations;

/// <summary>
/// A message's place in its conversation's tree without its contents (its usage and the length of its text, for the
/// totals: see <see cref="BranchTotals"/>).
/// </summary>
public sealed record MessageNode(string Id, string? ParentId, string Role, TokenUsage? Usage = null, int TextLength = 0);
