using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Conversations;
using Parley.Errors;
using Parley.Folders;

namespace Parley.Api.Folders;

/// <summary>
/// The signed-in user's folders: list, create, rename, delete (its conversations move out and are kept). Filing a
/// conversation in one is <c>PATCH /api/conversations/{id}</c> with <c>folderId</c>. Another user's folder is a 404.
/// </summary>
public static class FoldersApi
{
    public static RouteGroupBuilder MapFoldersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/folders").WithTags("Folders");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapPatch("/{id}", Rename);
        group.MapDelete("/{id}", Delete);
        return group;
    }

    public static async Task<Ok<List<FolderDto>>> List(HttpContext context, IFolderStore folders, CancellationToken cancellationToken) =>
        TypedResults.Ok((await folders.ListAsync(Owners.Of(context), cancellationToken)).Select(ToDto).ToList());

    public static async Task<Created<FolderDto>> Create(
        HttpContext context, FolderRequest? body, IFolderStore folders, TimeProvider time, CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        var name = Name(body);
        if ((await folders.ListAsync(owner, cancellationToken)).Count >= Folder.MaxPerOwner)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"You have {Folder.MaxPerOwner} folders, the most there can be; delete one first.");
        var folder = new Folder(Folder.NewId(), owner, name, time.UtcNowStored());
        await folders.AddAsync(folder, cancellationToken);
        return TypedResults.Created($"/api/folders/{folder.Id}", ToDto(folder));
    }

    public static async Task<Ok<FolderDto>> Rename(
        HttpContext context, string id, FolderRequest? body, IFolderStore folders, CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        var folder = await folders.GetAsync(owner, id, cancellationToken) ?? throw NotFound(id);
        var name = Name(body);
        if (!await folders.RenameAsync(owner, id, name, cancellationToken))
            throw NotFound(id);
        return TypedResults.Ok(ToDto(folder with { Name = name }));
    }

    public static async Task<NoContent> Delete(
        HttpContext context, string id, IFolderStore folders, CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        if (!await folders.DeleteAsync(owner, id, cancellationToken))
            throw NotFound(id);
        return TypedResults.NoContent();
    }

    internal static ParleyException NotFound(string id) =>
        new(ErrorCodes.FolderNotFound, 404, $"There is no folder '{Short(id)}'.");

    private static string Name(FolderRequest? body)
    {
        var name = body?.Name?.Trim() ?? "";
        if (name.Length is 0 || name.Length > Folder.MaxNameLength)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"'name': a folder name must be 1 to {Folder.MaxNameLength} characters.");
        if (name.Any(char.IsControl))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'name': a folder name cannot contain control characters such as line breaks.");
        return name;
    }

    private static string Short(string id) => id.Length <= 40 ? id : id[..40] + "…";

    private static FolderDto ToDto(Folder f) => new(f.Id, f.Name, f.CreatedAt);
}

public sealed record FolderRequest(string? Name);

public sealed record FolderDto(string Id, string Name, DateTimeOffset CreatedAt);
