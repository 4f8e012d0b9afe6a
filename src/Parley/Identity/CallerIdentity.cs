using Microsoft.AspNetCore.Http;

namespace Parley.Identity;

/// <summary>Who a request is, as the authentication handler found it: the owner of its data, how it signed in and its key.</summary>
/// <param name="Via"><c>local</c> (single-user mode), <c>session</c> (web sign-in) or <c>key</c>.</param>
public sealed record CallerIdentity(string Owner, bool IsAdmin, string Via, ApiKey? Key = null)
{
    public const string ViaLocal = "local";
    public const string ViaSession = "session";
    public const string ViaKey = "key";

    public static readonly CallerIdentity Local = new(UserNames.Local, IsAdmin: true, ViaLocal);

    /// <summary>A request that did not sign in (it reached an endpoint that allows that); owns nothing.</summary>
    public static readonly CallerIdentity Anonymous = new("", IsAdmin: false, "none");

    /// <summary>The identity of a request; <see cref="Local"/> where Parley's authentication is not installed at all.</summary>
    public static CallerIdentity Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<CallerIdentity>()
            ?? (context.RequestServices?.GetService(typeof(IdentityService)) is null ? Local : Anonymous);
    }
}
