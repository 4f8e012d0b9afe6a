namespace Parley.Conversations;

/// <summary>What a user sends to a stored conversation.</summary>
public sealed record SendMessage(string Content, IReadOnlyList<string> Images, string? ParentId, bool HasParentId, string? Model);
