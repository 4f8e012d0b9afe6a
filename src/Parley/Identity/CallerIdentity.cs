using Microsoft.AspNetCore.Http;

namespace Parley.Identity;

/// <summary>Who a request is, as the authentication handler found it: the owner of its data, how it signed in and its key.</summary>
/// <param name="Owner">The owner id everything the caller reaches is stored under: an account's id (<see cref="UserIds"/>), or
/// for an owner without an account (<c>local</c>, a key made for a name with no account) that name.</param>
/// <param name="Via"><c>local</c> (single-user mode), <c>session</c> (web sign-in) or <c>key</c>.</param>
/// <param name="Name">The name people see and type (the account's name); <see cref="Owner"/> when null.</param>
public sealed record CallerIdentity(string Owner, bool IsAdmin, string Via, ApiKey? Key = null, string? Name = null)
{
    /// <summary>The caller's name as people see it: in responses, messages and the audit log, never as an owner.</summary>
    public string DisplayName => Name ?? Owner;

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
