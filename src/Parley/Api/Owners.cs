using Microsoft.AspNetCore.Http;
using Parley.Errors;
using Parley.Identity;

namespace Parley.Api;

/// <summary>
/// The owner id of the data a request reaches (<see cref="CallerIdentity.Owner"/>): the signed-in account's or the API
/// key owner's id, or <c>local</c> in single-user mode. Never a name typed in a request.
/// </summary>
public static class Owners
{
    public const string Local = UserNames.Local;

    public static string Of(HttpContext context) =>
        CallerIdentity.Of(context) is { Owner.Length: > 0 } caller
            ? caller.Owner
            : throw new ParleyException(ErrorCodes.Unauthenticated, 401, "Sign in, or send an API key as 'Authorization: Bearer <API key>'.");
}
