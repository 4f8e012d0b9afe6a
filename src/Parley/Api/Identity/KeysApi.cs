using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Audit;
using Parley.Errors;
using Parley.Identity;

namespace Parley.Api.Identity;

/// <summary>
/// <c>/api/keys</c>: everyone manages their own API keys; administrators may create keys for any owner and list all
/// (<c>?all=true</c>). Owners are named as people know them (the account's name) and stored by id. The secret is in
/// the creation response only.
/// </summary>
public static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("Identity");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapDelete("/{id}", Revoke);
        return group;
    }

    public static async Task<Ok<ItemsDto<KeyDto>>> List(HttpContext context, IdentityService identity, bool? all = null)
    {
        var caller = CallerIdentity.Of(context);
        if (all == true && !caller.IsAdmin)
            throw Forbidden("Only administrators may list every user's keys.");
        if (all != true)
        {
            var own = await identity.Store.ListKeysAsync(caller.Owner, context.RequestAborted);
            return TypedResults.Ok(new ItemsDto<KeyDto>([.. own.Select(k => KeyDto.From(k, caller.DisplayName))]));
        }
        var keys = await identity.Store.ListKeysAsync(null, context.RequestAborted);
        var names = await identity.OwnerNamesAsync(context.RequestAborted);
        return TypedResults.Ok(new ItemsDto<KeyDto>([.. keys.Select(k => KeyDto.From(k, names.Of(k.Owner)))]));
    }

    public static async Task<Created<CreatedKeyDto>> Create(HttpContext context, CreateKeyRequest body, IdentityService identity, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(body);
        var caller = CallerIdentity.Of(context);
        var owner = string.IsNullOrWhiteSpace(body.Owner) ? caller.Owner : await OwnerIdAsync(identity, caller, body.Owner, context.RequestAborted);
        if (!caller.IsAdmin && !string.Equals(owner, caller.Owner, StringComparison.OrdinalIgnoreCase))
            throw Forbidden("Only administrators may create keys for other users.");
        // Otherwise a key narrowed by models, limits or expiry could mint itself a wider one.
        if (caller.Key is not null && !caller.IsAdmin)
            throw Forbidden("API keys cannot create keys: sign in to the web app (or use an administrator's key) to create one.");
        var (key, secret) = await identity.CreateKeyAsync(
            new NewApiKey(body.Name, owner, body.Models, body.RequestsPerMinute, body.DailyTokenLimit, body.MaxConcurrentStreams, body.ExpiresAt),
            context.RequestAborted);
        var ownerName = (await identity.OwnerNamesAsync(context.RequestAborted)).Of(key.Owner);
        audit.Record(context, AuditActions.KeyCreated, "key:" + key.Id, detail: $"owner {ownerName}; models {(key.Models.Count == 0 ? "all" : string.Join(' ', key.Models))}");
        context.Response.Headers.CacheControl = "no-store";
        var dto = KeyDto.From(key, ownerName);
        return TypedResults.Created($"/api/keys/{key.Id}", new CreatedKeyDto(dto.Id, dto.Name, dto.Owner, dto.Prefix, dto.Models, dto.RequestsPerMinute,
            dto.DailyTokenLimit, dto.MaxConcurrentStreams, dto.ExpiresAt, dto.CreatedAt, dto.LastUsedAt, dto.RevokedAt, secret));
    }

    public static async Task<NoContent> Revoke(HttpContext context, string id, IdentityService identity, IAuditLog audit)
    {
        try
        {
            await identity.RevokeKeyAsync(id, CallerIdentity.Of(context), context.RequestAborted);
        }
        catch (ParleyException ex)
        {
            audit.Record(context, AuditActions.KeyRevoked, "key:" + id, AuditActions.Failure, ex.Code);
            throw;
        }
        audit.Record(context, AuditActions.KeyRevoked, "key:" + id);
        return TypedResults.NoContent();
    }

    /// <summary>The owner id of a typed owner name; an ordinary user naming anyone but themselves is refused before the name is looked up.</summary>
    private static async Task<string> OwnerIdAsync(IdentityService identity, CallerIdentity caller, string name, CancellationToken cancellationToken)
    {
        if (!caller.IsAdmin && !string.Equals(UserNames.Normalize(name), UserNames.Normalize(caller.DisplayName), StringComparison.Ordinal))
            throw Forbidden("Only administrators may create keys for other users.");
        return caller.IsAdmin ? await identity.OwnerIdOfAsync(name, cancellationToken) : caller.Owner;
    }

    private static ParleyException Forbidden(string message) => new(ErrorCodes.Forbidden, 403, message);
}
