using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parley.Audit;
using Parley.Errors;
using Parley.Identity;

namespace Parley.Api.Identity;

/// <summary>Web sign-in: <c>/api/auth/session</c>, <c>login</c>, <c>logout</c> and <c>password</c>. The session cookie is HttpOnly and SameSite=Strict.</summary>
public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Identity");
        group.MapGet("/session", Session).AllowAnonymous();
        group.MapPost("/login", SignIn).AllowAnonymous();
        group.MapPost("/logout", SignOut).AllowAnonymous();
        group.MapPost("/password", ChangePassword);
        return group;
    }

    public static async Task<IResult> Session(HttpContext context, IOptions<AuthOptions> auth)
    {
        // The authentication middleware already ran (this endpoint only allows anonymous callers to get their 401 here).
        if (context.User.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync(ParleyAuthentication.SchemeName);
            return Results.Empty;
        }
        var caller = CallerIdentity.Of(context);
        return TypedResults.Ok(new SessionDto(new SessionUserDto(caller.DisplayName, caller.IsAdmin), auth.Value.Mode, caller.Via));
    }

    public static async Task<Ok<SessionDto>> SignIn(HttpContext context, SignInRequest body, IdentityService identity, IOptions<AuthOptions> auth, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(body);
        var address = context.Connection.RemoteIpAddress?.ToString();
        UserAccount user;
        string token;
        UserSession session;
        try
        {
            (user, token, session) = await identity.SignInAsync(body.Username, body.Password, address, context.RequestAborted);
        }
        catch (ParleyException ex) when (ex.Code != ErrorCodes.TooManyAttempts)
        {
            // Only a name that is an account is recorded: people type passwords into the name field. Attempts the throttle
            // refused were never checked and are not recorded; the rest are capped per minute like refused keys.
            var known = string.IsNullOrWhiteSpace(body.Username) ? null : await identity.Store.GetUserByNameAsync(UserNames.Normalize(body.Username), context.RequestAborted);
            audit.RecordRefusal(new AuditEntry(AuditActions.Anonymous, AuditActions.SignIn, known is null ? "(unknown user)" : "user:" + known.Name,
                AuditActions.Failure, AuditLogExtensions.AddressOf(context), ex.Code));
            throw;
        }
        audit.Record(new AuditEntry(user.Name, AuditActions.SignIn, "user:" + user.Name, AuditActions.Success, AuditLogExtensions.AddressOf(context)));
        context.Response.Cookies.Append(ParleyAuthentication.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            Expires = session.ExpiresAt,
        });
        return TypedResults.Ok(new SessionDto(new SessionUserDto(user.Name, user.IsAdmin), auth.Value.Mode, CallerIdentity.ViaSession));
    }

    public static async Task<NoContent> SignOut(HttpContext context, IdentityService identity)
    {
        if (context.Request.Cookies[ParleyAuthentication.SessionCookie] is { Length: > 0 } token)
            await identity.SignOutAsync(token, context.RequestAborted);
        context.Response.Cookies.Delete(ParleyAuthentication.SessionCookie, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> ChangePassword(HttpContext context, ChangePasswordRequest body, IdentityService identity, IAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(body);
        var caller = CallerIdentity.Of(context);
        if (caller.Via == CallerIdentity.ViaLocal)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "Single-user mode has no password to change.");
        try
        {
            await identity.ChangePasswordAsync(caller.Owner, body.CurrentPassword, body.NewPassword, body.RevokeKeys, context.RequestAborted);
        }
        catch (ParleyException ex)
        {
            audit.Record(context, AuditActions.PasswordChanged, "user:" + caller.DisplayName, AuditActions.Failure, ex.Code);
            throw;
        }
        audit.Record(context, AuditActions.PasswordChanged, "user:" + caller.DisplayName);
        return TypedResults.NoContent();
    }
}
