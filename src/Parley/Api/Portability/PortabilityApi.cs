using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parley.Audit;
using Parley.Errors;
using Parley.Portability;

namespace Parley.Api.Portability;

/// <summary>
/// Export (one conversation or all of the caller's, as Parley JSON or Markdown) and import (Parley JSON or ChatGPT's
/// conversations.json, as a JSON body or an uploaded file). Everything is scoped to the caller through <see cref="Owners"/>.
/// </summary>
public static class PortabilityApi
{
    public static RouteGroupBuilder MapPortabilityApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Export and import");
        group.MapGet("/conversations/{id}/export", ExportOne).Produces(200, contentType: "application/json").Produces(200, contentType: "text/markdown");
        group.MapGet("/export", ExportAll).Produces(200, contentType: "application/json").Produces(200, contentType: "text/markdown");
        group.MapPost("/import", Import).Produces<ImportResult>(200).DisableAntiforgery();
        return group;
    }

    public static async Task ExportOne(HttpContext context, string id, ConversationExporter exporter, IAuditLog audit, string? format = null)
    {
        var markdown = IsMarkdown(format);
        var found = await exporter.ExportAsync(Owners.Of(context), id, context.RequestAborted)
            ?? throw new ParleyException(ErrorCodes.ConversationNotFound, 404, $"There is no conversation '{id}'.");
        audit.Record(context, AuditActions.DataExported, id, detail: markdown ? "markdown" : "json");
        if (markdown)
        {
            await WriteMarkdownAsync(context, $"{id}.md", MarkdownExport.Render(found.Conversation, found.Messages));
            return;
        }
        await WriteJsonAsync(context, $"{id}.json", found.Folder is { } folder ? [folder] : [], Single(found.Export));
    }

    public static async Task ExportAll(HttpContext context, ConversationExporter exporter, TimeProvider time, IAuditLog audit, string? format = null)
    {
        var markdown = IsMarkdown(format);
        audit.Record(context, AuditActions.DataExported, "all conversations", detail: markdown ? "markdown" : "json");
        var owner = Owners.Of(context);
        IReadOnlyList<ExportedFolder> folders = markdown ? [] : await exporter.FoldersAsync(owner, context.RequestAborted);
        var all = exporter.ExportAllAsync(owner, folders, context.RequestAborted);
        var stamp = time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        if (markdown)
        {
            var text = new StringBuilder();
            await foreach (var item in all)
                text.Append(text.Length > 0 ? "\n---\n\n" : "").Append(MarkdownExport.Render(item.Conversation, item.Messages));
            await WriteMarkdownAsync(context, $"parley-export-{stamp}.md", text.ToString());
            return;
        }
        await WriteJsonAsync(context, $"parley-export-{stamp}.json", folders, Select(all));
    }

    public static async Task<IResult> Import(HttpContext context, ConversationImporter importer, IOptions<ImportOptions> options, WebSecurity.UserWorkGate work,
        string? onConflict = null)
    {
        var conflicts = onConflict?.ToLowerInvariant() switch
        {
            null or "" or "copy" => ImportConflicts.Copy,
            "fail" => ImportConflicts.Fail,
            _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400, "onConflict must be 'copy' (the default) or 'fail'."),
        };
        var owner = Owners.Of(context);
        using var slot = work.EnterImport(owner);
        try
        {
            using var document = await ReadFileAsync(context, options.Value.MaxBytes);
            try
            {
                RequestJson.RequireValidText(document.RootElement);
            }
            catch (ParleyException e)
            {
                throw new ImportException(ImportCodes.InvalidJson, 400, "The file holds text that is not valid Unicode: " + e.Message, "$");
            }
            var plan = importer.Plan(document.RootElement, owner);
            return TypedResults.Ok(await importer.ImportAsync(plan, owner, conflicts, context.RequestAborted));
        }
        catch (ImportException e)
        {
            var problem = ParleyProblems.Create(e.Code, e.Status, e.Message);
            if (e.Path is not null)
                problem.Extensions["path"] = e.Path;
            if (e.Ids is not null)
                problem.Extensions["ids"] = e.Ids;
            return TypedResults.Problem(problem);
        }
    }

    /// <summary>
    /// The import file parsed straight from the request (the JSON body, or the <c>file</c> field of a multipart form), so
    /// the file is held once, by the parser; refused above <paramref name="maxBytes"/>.
    /// </summary>
    private static async Task<JsonDocument> ReadFileAsync(HttpContext context, long maxBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = maxBytes + 1024 * 1024;
        Stream source;
        if (context.Request.HasFormContentType)
        {
            context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = maxBytes + 1024 * 1024 }));
            IFormCollection form;
            try
            {
                form = await context.Request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException)
            {
                throw TooLarge(maxBytes);
            }
            var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null)
                ?? throw new ImportException(ImportCodes.NoFile, 400, "The form has no file: send it in a field named 'file'.", "file");
            if (file.Length > maxBytes)
                throw TooLarge(maxBytes);
            source = file.OpenReadStream();
        }
        else
        {
            source = context.Request.Body;
        }

        await using var limited = new CappedReadStream(source, maxBytes, () => TooLarge(maxBytes));
        try
        {
            return await JsonDocument.ParseAsync(limited, cancellationToken: context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            throw TooLarge(maxBytes);
        }
        catch (JsonException e)
        {
            if (limited.BytesRead == 0)
                throw new ImportException(ImportCodes.NoFile, 400, "The request has no file: send the export as the JSON body or as a multipart field named 'file'.", "$");
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new ImportException(ImportCodes.InvalidJson, 400, $"The file is not valid JSON{where}.", e.Path is { Length: > 0 } p ? p : "$");
        }
    }

    private static ImportException TooLarge(long maxBytes) =>
        new(ImportCodes.TooLarge, 413, $"The import file is larger than the {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes this server accepts (Parley:Import:MaxBytes).", "$");

    private static bool IsMarkdown(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" or "json" => false,
        "markdown" or "md" => true,
        _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400, "format must be 'json' or 'markdown'."),
    };

    private static async IAsyncEnumerable<ExportedConversation> Single(ExportedConversation conversation)
    {
        await Task.CompletedTask;
        yield return conversation;
    }

    private static async IAsyncEnumerable<ExportedConversation> Select(
        IAsyncEnumerable<(Parley.Conversations.Conversation, IReadOnlyList<Parley.Conversations.StoredMessage>, ExportedConversation Export)> all)
    {
        await foreach (var item in all)
            yield return item.Export;
    }

    private static async Task WriteMarkdownAsync(HttpContext context, string fileName, string markdown)
    {
        context.Response.ContentType = "text/markdown; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await context.Response.WriteAsync(markdown, context.RequestAborted);
    }

    /// <summary>
    /// Writes a <see cref="ParleyExport"/> one conversation at a time, so exporting everything needs memory for one
    /// conversation only; the folders come first, so a reader knows them before the conversations that name them.
    /// </summary>
    private static async Task WriteJsonAsync(
        HttpContext context, string fileName, IReadOnlyList<ExportedFolder> folders, IAsyncEnumerable<ExportedConversation> conversations)
    {
        await using var enumerator = conversations.GetAsyncEnumerator(context.RequestAborted);
        var hasFirst = await enumerator.MoveNextAsync();
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("format", ParleyExport.FormatName);
        writer.WriteNumber("version", ParleyExport.CurrentVersion);
        writer.WritePropertyName("folders");
        JsonSerializer.Serialize(writer, folders, ExportJson.Options);
        writer.WriteStartArray("conversations");
        for (var more = hasFirst; more; more = await enumerator.MoveNextAsync())
        {
            JsonSerializer.Serialize(writer, enumerator.Current, ExportJson.Options);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
