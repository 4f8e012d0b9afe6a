namespace Parley.Conversations;

/// <summary>
/// What a user sends to a stored conversation; <paramref name="NoCache"/> keeps the reply out of the response cache;
/// <paramref name="Attachments"/> are ids of documents uploaded to the conversation before.
/// </summary>
public sealed record SendMessage(
    string Content, IReadOnlyList<string> Images, string? ParentId, bool HasParentId, string? Model, bool NoCache = false,
    IReadOnlyList<string>? Attachments = null);
