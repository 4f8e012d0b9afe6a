using System.Text.Json.Serialization;

namespace Parley.Replies;

/// <summary>
/// One notice of the conversation-events stream (docs/api.md): <see cref="Type"/> is <c>conversation_created</c>,
/// <c>conversation_updated</c>, <c>conversation_deleted</c>, <c>message_added</c>, <c>reply_started</c> or
/// <c>reply_finished</c>; the other fields are set where they apply.
/// </summary>
public sealed record ConversationNotice(
    string Type,
    string ConversationId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MessageId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null);
