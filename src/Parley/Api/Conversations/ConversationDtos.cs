using System.Text.Json;
using System.Text.Json.Serialization;
using Parley.Conversations;

namespace Parley.Api.Conversations;

/// <summary><c>tools</c>: names of the tools to offer (see <c>GET /api/tools</c>); absent or null means the server's defaults.</summary>
public sealed record CreateConversationRequest(
    string? Title, string? Model, string? SystemPrompt, double? Temperature, int? MaxTokens, List<string?>? Tools = null);

/// <summary>PATCH body: an absent property is left alone, <c>null</c> clears it (so these stay raw JSON).</summary>
public sealed record UpdateConversationRequest(
    JsonElement Title, JsonElement Model, JsonElement SystemPrompt, JsonElement Temperature, JsonElement MaxTokens, JsonElement Tools,
    JsonElement SelectedLeafId, JsonElement Pinned, JsonElement FolderId);

/// <summary><c>parentId</c> absent means "after the newest message"; <c>null</c> means "a new first message".</summary>
/// <summary><c>attachments</c>: ids returned by <c>POST /api/conversations/{id}/attachments</c>.</summary>
public sealed record SendMessageRequest(string? Content, List<string>? Images, JsonElement ParentId, string? Model, List<string>? Attachments = null);

/// <summary>An uploaded document: <c>url</c> downloads the original; <c>chars</c> is the length of the extracted text.</summary>
public sealed record AttachmentDto(string Id, string Name, string MediaType, long Size, int Chars, bool Truncated, string Url);

public sealed record RegenerateRequest(string? Model);

/// <summary><c>folderId</c>: the owner's folder it is filed in (see <c>GET /api/folders</c>), null for none.</summary>
public sealed record ConversationSummaryDto(
    string Id, string Title, string? Model, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount, string? Snippet,
    bool Pinned = false, string? FolderId = null);

public sealed record ConversationPageDto(IReadOnlyList<ConversationSummaryDto> Items, string? NextCursor);

public sealed record ConversationDto(
    string Id, string Title, string? Model, string? SystemPrompt, double? Temperature, int? MaxTokens, IReadOnlyList<string>? Tools,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount, UsageDto Usage,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<MessageDto>? Messages,
    string? SelectedLeafId = null);

/// <summary>
/// A page of <c>GET /api/conversations/{id}/messages</c> (see <see cref="BranchPage"/>); <c>conversation</c> on the first
/// page only; <c>older</c>: the messages and tokens of the branch before this page (see <see cref="BranchTotals"/>).
/// </summary>
public sealed record MessagePageDto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConversationDto? Conversation,
    string? LeafId, IReadOnlyList<MessageDto> Messages, string? OlderCursor, bool Complete, BranchTotals Older);

public sealed record UsageDto(long PromptTokens, long CompletionTokens, long TotalTokens);

public sealed record MessageDto(
    string Id, string? ParentId, string Role, IReadOnlyList<PartDto> Content, string Text, string? Model, string Status,
    MessageError? Error, UsageDto? Usage, MessageTimings? Timings, DateTimeOffset CreatedAt);

/// <summary>One content part as the API shows it (see docs/api.md); unused fields are omitted.</summary>
public sealed record PartDto(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MediaType = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CallId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Arguments = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? IsError = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ThroughMessageId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MessageCount = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Size = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DocumentSource>? Sources = null);
