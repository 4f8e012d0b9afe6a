using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Api;
using Parley.Errors;

namespace Parley.Identity;

/// <summary>
/// Finds who a request is: a Parley API key (<c>Authorization: Bearer pk_…</c>), a web session cookie, or — in
/// single-user mode, for requests from this machine — the local administrator. Refusals answer 401 with the reason
/// (missing, malformed, unknown, revoked or expired key) in the surface's error shape; admin-only calls answer 403.
/// </summary>
public sealed partial class ParleyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory loggerFactory, UrlEncoder encoder,
    IdentityService identity, IOptions<AuthOptions> auth, IOptions<WebSecurity.SecurityOptions> security, Audit.IAuditLog audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Parley";
    public const string SessionCookie = "parley_session";
    public const string AdminPolicy = "admin";

    private const string FailureCodeItem = "parley.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var singleUser = !auth.Value.IsAccounts;
        var header = Request.Headers.Authorization.ToString();
        // Anthropic clients send their key as x-api-key.
        if (header.Length == 0 && Request.Headers["x-api-key"].ToString() is { Length: > 0 } apiKey)
            header = "Bearer " + apiKey;
        if (header.Length > 0)
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header[7..].Trim() is not { Length: > 0 } token)
                return Fail(ErrorCodes.InvalidApiKey, "The Authorization header must be 'Bearer <API key>'.");
            // OpenAI clients insist on sending some key; in single-user mode a non-Parley token from this machine is not a credential.
            if (ApiKeySecret.LooksLikeKey(token) || !(singleUser && IsFromThisMachine()))
            {
                var (key, code, failure) = await identity.AuthenticateKeyAsync(token, Context.RequestAborted);
                if (key is null)
                {
                    // The id of an unknown key is whatever the caller sent: only a key that exists is named.
                    var keyId = code == ErrorCodes.InvalidApiKey ? "(unknown key)" : "key:" + ApiKeySecret.IdOf(token);
                    LogRefusedKey(Logger, code!, keyId);
                    audit.RecordRefusal(new Audit.AuditEntry(Audit.AuditActions.Anonymous, Audit.AuditActions.KeyRefused, keyId,
                        Audit.AuditActions.Failure, Audit.AuditLogExtensions.AddressOf(Context), code));
                    return Fail(code!, failure!);
                }
                return Success(await identity.KeyCallerAsync(key, Context.RequestAborted));
            }
        }

        if (Request.Cookies[SessionCookie] is { Length: > 0 } sessionToken
            && await identity.FindSessionUserAsync(sessionToken, Context.RequestAborted) is { } user)
            return Success(new CallerIdentity(user.Id, user.IsAdmin, CallerIdentity.ViaSession, Name: user.Name));

        if (singleUser && IsFromThisMachine())
            return Success(CallerIdentity.Local);

        if (singleUser && WebSecurity.ConnectionOrigin.Of(Context) is { Proxied: true, PeerIsLoopback: true })
            return Fail(ErrorCodes.ProxiedSingleUser,
                "This request came through a reverse proxy, and single-user mode answers without a key only requests made on this machine itself "
                + "(otherwise every visitor of the proxy would be the administrator). Set Parley:Auth:Mode to 'accounts', or "
                + "Parley:Security:AllowProxiedSingleUser to true if the proxy signs its visitors in.");

        return singleUser
            ? Fail(ErrorCodes.Unauthenticated,
                "This Parley runs in single-user mode, which answers requests without a key only from the machine it runs on. Send 'Authorization: Bearer <API key>', or set Parley:Auth:Mode to 'accounts'.")
            : Fail(ErrorCodes.Unauthenticated, "Sign in, or send an API key as 'Authorization: Bearer <API key>'.");
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        await HandleAuthenticateOnceSafeAsync();
        var (code, message) = Context.Items[FailureCodeItem] is (string c, string m)
            ? (c, m)
            : (ErrorCodes.Unauthenticated, "Sign in, or send an API key as 'Authorization: Bearer <API key>'.");
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteErrorAsync(Context, code, 401, message);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteErrorAsync(Context, ErrorCodes.Forbidden, 403, "Only administrators may do this.");

    /// <summary>Writes an error in the surface's shape (<see cref="ApiErrors"/>): OpenAI's or Anthropic's on <c>/v1</c>, problem details (plus the auth mode) elsewhere.</summary>
    internal static async Task WriteErrorAsync(HttpContext context, string code, int status, string message)
    {
        if (await ApiErrors.TryWriteAsync(context, code, status, message))
            return;
        context.Response.StatusCode = status;
        var problem = ParleyProblems.Create(code, status, message);
        problem.Extensions["mode"] = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Mode;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private AuthenticateResult Success(CallerIdentity caller)
    {
        Context.Features.Set(caller);
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, caller.Owner), new(ClaimTypes.Name, caller.DisplayName), new("parley:via", caller.Via)];
        if (caller.IsAdmin)
            claims.Add(new Claim(ClaimTypes.Role, AdminPolicy));
        if (caller.Key is { } key)
            claims.Add(new Claim("parley:key", key.Id));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    private AuthenticateResult Fail(string code, string message)
    {
        Context.Items[FailureCodeItem] = (code, message);
        return AuthenticateResult.Fail(message);
    }

    /// <summary>
    /// The connection comes from a loopback address and not through a reverse proxy (unless the operator allows
    /// proxied requests): a proxy on this machine would otherwise make every visitor the local administrator.
    /// </summary>
    private bool IsFromThisMachine()
    {
        var origin = WebSecurity.ConnectionOrigin.Of(Context);
        return origin.PeerIsLoopback && (!origin.Proxied || security.Value.AllowProxiedSingleUser);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused API key {KeyId}: {Code}")]
    private static partial void LogRefusedKey(ILogger logger, string code, string keyId);
}
