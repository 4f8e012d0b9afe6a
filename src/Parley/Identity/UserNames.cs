namespace Parley.Identity;

/// <summary>
/// User names: what people sign in with and see, short, case-insensitive letters, digits and <c>._-@</c>. An account's
/// data is stored under its id (<see cref="UserIds"/>), not its name.
/// </summary>
public static class UserNames
{
    /// <summary>The owner id (and name) of everything in single-user mode; an account named <c>local</c> has an id of its own.</summary>
    public const string Local = "local";

    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    public static string? Problem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
            return "A user name is required.";
        var trimmed = name.Trim();
        if (trimmed.Length > 64)
            return "User names have at most 64 characters.";
        if (!trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@'))
            return $"'{trimmed}' is not a valid user name: use letters, digits and . _ - @.";
        if (trimmed.StartsWith("bot:", StringComparison.OrdinalIgnoreCase))
            return "User names cannot start with 'bot:'.";
        return null;
    }
}
