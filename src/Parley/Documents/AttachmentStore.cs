using System.Text.Json;
using System.Text.RegularExpressions;
using Parley.Conversations;
using Parley.Errors;
using Parley.Storage;

namespace Parley.Documents;

/// <summary>
/// Keeps uploaded documents with their conversation through the store's blob calls (<c>SaveImageAsync</c> /
/// <c>GetImageAsync</c>), so every store supports them unchanged: blob <c>a_…</c> is the original file, blob
/// <c>a_….meta</c> the name, type, size and extracted text. Both go when the conversation is deleted or cleared.
/// Callers check that the caller owns the conversation first.
/// </summary>
public sealed partial class AttachmentStore(IConversationStore store)
{
    public const string MetadataMediaType = "application/vnd.parley.attachment+json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AttachmentPart> SaveAsync(string conversationId, ExtractedDocument document, CancellationToken cancellationToken)
    {
        var part = new AttachmentPart(Ids.New("a"), document.Name, document.MediaType, document.Data.Length, document.Text, document.Truncated);
        await store.SaveImageAsync(new StoredImage(part.AttachmentId, conversationId, document.MediaType, document.Data), cancellationToken);
        await store.SaveImageAsync(new StoredImage(MetadataId(part.AttachmentId), conversationId, MetadataMediaType,
            JsonSerializer.SerializeToUtf8Bytes(part, Json)), cancellationToken);
        return part;
    }

    /// <summary>The attachment's part (with its text), or null when the conversation has no such attachment.</summary>
    public async Task<AttachmentPart?> FindAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        if (!IdPattern().IsMatch(attachmentId))
            return null;
        var metadata = await store.GetImageAsync(conversationId, MetadataId(attachmentId), cancellationToken);
        return metadata is { MediaType: MetadataMediaType } ? JsonSerializer.Deserialize<AttachmentPart>(metadata.Data, Json) : null;
    }

    public async Task<AttachmentPart> RequireAsync(string conversationId, string attachmentId, CancellationToken cancellationToken) =>
        await FindAsync(conversationId, attachmentId, cancellationToken)
        ?? throw new ParleyException(ErrorCodes.AttachmentNotFound, 404, $"There is no attachment '{attachmentId}' in this conversation.");

    /// <summary>The original file as uploaded.</summary>
    public async Task<(AttachmentPart Attachment, byte[] Data)> OpenAsync(string conversationId, string attachmentId, CancellationToken cancellationToken)
    {
        var attachment = await RequireAsync(conversationId, attachmentId, cancellationToken);
        var file = await store.GetImageAsync(conversationId, attachmentId, cancellationToken)
            ?? throw new ParleyException(ErrorCodes.AttachmentNotFound, 404, $"There is no attachment '{attachmentId}' in this conversation.");
        return (attachment, file.Data);
    }

    private static string MetadataId(string attachmentId) => attachmentId + ".meta";

    [GeneratedRegex("^a_[0-9a-z]{20}$")]
    private static partial Regex IdPattern();
}
