using Parley.Errors;

namespace Parley.Bots;

/// <summary>
/// A value a webhook sent that becomes one segment of a URL Parley calls with the bot's key. Escaping is not enough:
/// <c>..</c> and <c>.</c> survive it and then climb the path, so only plain identifiers are accepted.
/// </summary>
public static class CallbackPath
{
    public const int MaxLength = 200;

    public static string Segment(string value, string field)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is 0 or > MaxLength || value is "." or ".."
            || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@'))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400,
                $"'{field}' must be an identifier of letters, digits and - _ . : @ (at most {MaxLength} characters), not a path.");
        return Uri.EscapeDataString(value);
    }
}
