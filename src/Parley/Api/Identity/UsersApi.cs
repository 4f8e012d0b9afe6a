using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Audit;
using Parley.Errors;
using Parley.Identity;

namespace Parley.Api.Identity;

/// <summary><c>/api/admin/users</c>: administrators list, add and remove local accounts.</summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/users").WithTags("Identity").RequireAuthorization(ParleyAuthentication.AdminPolicy);
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapDelete("/{name}", Delete);
        return group;
    }

    public static async Task<Ok<ItemsDto<UserDto>>> List(HttpContext context, IdentityService identity) =>
        TypedResults.Ok(new ItemsDto<UserDto>([.. (await identity.Store.ListUsersAsync(context.RequestAborted)).Select(UserDto.From)]));

    public static async Task<Created<UserDto>> Create(HttpContext context, CreateUserRequest body, IdentityService identity, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(body);
        UserAccount user;
        try
        {
            user = await identity.CreateUserAsync(body.Name, body.Password, body.IsAdmin, context.RequestAborted);
        }
        catch (ParleyException ex) when (ex.Code == ErrorCodes.UserExists)
        {
            audit.Record(context, AuditActions.UserCreated, "user:" + UserNames.Normalize(body.Name!), AuditActions.Failure, ex.Code);
            throw;
        }
        audit.Record(context, AuditActions.UserCreated, "user:" + user.Name, detail: user.IsAdmin ? "administrator" : null);
        return TypedResults.Created($"/api/admin/users/{user.Name}", UserDto.From(user));
    }

    public static async Task<NoContent> Delete(HttpContext context, string name, IdentityService identity, IAuditLog audit)
    {
        if (await identity.Store.GetUserByNameAsync(UserNames.Normalize(name), context.RequestAborted) is { } user
            && string.Equals(user.Id, CallerIdentity.Of(context).Owner, StringComparison.OrdinalIgnoreCase))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "You cannot delete your own account while signed in with it.");
        try
        {
            await identity.DeleteUserAsync(name, context.RequestAborted);
        }
        catch (ParleyException ex) when (ex.Code == ErrorCodes.UserNotFound)
        {
            audit.Record(context, AuditActions.UserDeleted, "user:" + UserNames.Normalize(name), AuditActions.Failure, ex.Code);
            throw;
        }
        audit.Record(context, AuditActions.UserDeleted, "user:" + UserNames.Normalize(name));
        return TypedResults.NoContent();
    }
}
