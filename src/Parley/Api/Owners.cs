using Microsoft.AspNetCore.Http;
using Parley.Errors;
using Parley.Identity;

namespace Parley.Api;

/// <summary>Who owns the data a request reaches: the signed-in user, the API key's owner, or the local user in single-user mode.</summary>
public static class Owners
{
    public const string Local = UserNames.Local;

    public static string Of(HttpContext context) =>
        CallerIdentity.Of(context) is { Owner.Length: > 0 } caller
            ? caller.Owner
            : throw new ParleyException(ErrorCodes.Unauthenticated, 401, "Sign in, or send an API key as 'Authorization: Bearer <API key>'.");
}
