using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Documents;
using Microsoft.AspNetCore.Http.Features;
using Parley.Errors;
using Parley.Limits;
using Parley.Storage;
using Parley.WebSecurity;

namespace Parley.Api.Conversations;

/// <summary>
/// Documents in a conversation: <c>POST /api/conversations/{id}/attachments</c> (multipart, field <c>file</c>) reads and
/// stores one, and a message send lists its id in <c>attachments</c>; <c>GET …/attachments/{attachmentId}</c> downloads the
/// original, only for the conversation's owner.
/// </summary>
public static class AttachmentsApi
{
    public static RouteGroupBuilder MapAttachments(this RouteGroupBuilder group)
    {
        group.MapPost("/{id}/attachments", Upload).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data");
        group.MapGet("/{id}/attachments/{attachmentId}", Download);
        return group;
    }

    public static async Task<Created<AttachmentDto>> Upload(
        HttpContext context, string id, IConversationStore store, DocumentReader reader, AttachmentStore attachments,
        IUserLimiter limiter, UserWorkGate work, CancellationToken cancellationToken)
    {
        await RequireConversationAsync(context, store, id, cancellationToken);
        var owner = Owners.Of(context);
        if (await limiter.TryStartAsync(owner) is { } refused)
            throw refused;
        using var slot = work.EnterUpload(owner);
        var limit = reader.Options.MaxBytes;
        if (context.Request.ContentLength > limit + 64 * 1024)
            throw DocumentReader.TooLarge("The upload", context.Request.ContentLength.Value, limit);
        // A body without a length (chunked) is held to the same limit while it is read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + 64 * 1024;
        if (!context.Request.HasFormContentType)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "Upload the document as multipart/form-data with the file in a field named 'file'.");
        var form = await context.Request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null)
            ?? throw new ParleyException(ErrorCodes.InvalidRequest, 400, "The form has no file: send it in a field named 'file'.");
        if (file.Length > limit)
            throw DocumentReader.TooLarge(DocumentReader.CleanName(file.FileName), file.Length, limit);

        var data = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(data, cancellationToken);
        var document = await reader.ReadAsync(file.FileName, data, cancellationToken);
        var part = await attachments.SaveAsync(id, document, cancellationToken);
        var dto = ConversationMapping.ToDto(id, part);
        return TypedResults.Created(dto.Url, dto);
    }

    public static async Task<FileContentHttpResult> Download(
        HttpContext context, string id, string attachmentId, IConversationStore store, AttachmentStore attachments, CancellationToken cancellationToken)
    {
        await RequireConversationAsync(context, store, id, cancellationToken);
        var (attachment, data) = await attachments.OpenAsync(id, attachmentId, cancellationToken);
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "sandbox";
        context.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(data, attachment.MediaType, fileDownloadName: attachment.Name);
    }

    private static async Task RequireConversationAsync(HttpContext context, IConversationStore store, string id, CancellationToken cancellationToken)
    {
        if (await store.GetConversationAsync(Owners.Of(context), id, cancellationToken) is null)
            throw new ParleyException(ErrorCodes.ConversationNotFound, 404, $"There is no conversation '{id}'.");
    }
}
