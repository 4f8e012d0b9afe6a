using Microsoft.AspNetCore.Http;

namespace Parley.Api;

/// <summary>
/// Who is asking. Until sign-in and API keys exist, a single local user owns everything;
/// every store call already takes the owner, so adding identity changes only this resolver.
/// </summary>
public static class Owners
{
    public const string Local = "local";

    public static string Of(HttpContext context) => context.User.Identity?.Name is { Length: > 0 } name ? name : Local;
}
