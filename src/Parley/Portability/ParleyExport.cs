using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parley.Portability;

/// <summary>
/// Parley's own export format (docs: README "Export and import"). Version 1 keeps everything a store holds:
/// every branch of the message tree in store order (parents before children; the last message ends the active
/// branch), message parts exactly as the store writes them, every blob a part references, base64-encoded, and the
/// owner's folders with each conversation's pin and folder. <see cref="Folders"/> and <see cref="ExportedConversation.FolderId"/>
/// are optional: files written before folders existed import as they are.
/// </summary>
public sealed record ParleyExport(
    string Format,
    int Version,
    IReadOnlyList<ExportedConversation> Conversations,
    IReadOnlyList<ExportedFolder>? Folders = null)
{
    public const string FormatName = "parley.export";

    public const int CurrentVersion = 1;
}

public sealed record ExportedConversation(
    string Id,
    string Title,
    bool HasTitle,
    string? SystemPrompt,
    string? Model,
    double? Temperature,
    int? MaxTokens,
    IReadOnlyList<string>? Tools,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ExportedMessage> Messages,
    IReadOnlyList<ExportedBlob> Blobs,
    bool Pinned = false,
    string? FolderId = null);

/// <summary>One of the owner's folders; conversations in it name its <see cref="Id"/> as their <c>folderId</c>.</summary>
public sealed record ExportedFolder(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>A message; <see cref="Parts"/> are the store's own part JSON, so part kinds Parley adds later pass through unchanged.</summary>
public sealed record ExportedMessage(
    string Id,
    string? ParentId,
    string Role,
    IReadOnlyList<JsonElement> Parts,
    string? Model,
    string Status,
    JsonElement? Error,
    JsonElement? Usage,
    JsonElement? Timings,
    DateTimeOffset CreatedAt);

/// <summary>An image or other stored file a part references; <see cref="Data"/> is base64.</summary>
public sealed record ExportedBlob(string Id, string MediaType, string Data);

internal static class ExportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
