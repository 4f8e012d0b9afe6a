using Microsoft.AspNetCore.Http;
using Parley.Usage;

namespace Parley.Api;

/// <summary>Binds the <see cref="Caller"/> of an HTTP request: its owner and API key as authentication found them, and the surface.</summary>
public static class Callers
{
    /// <summary>The request's caller on <paramref name="surface"/>; throws <c>unauthenticated</c> (401) when the request has no owner.</summary>
    public static Caller Of(HttpContext context, string surface)
    {
        var owner = Owners.Of(context);
        var key = Parley.Identity.CallerIdentity.Of(context).Key;
        return new Caller(owner, surface, key?.Id, key?.Models);
    }
}
