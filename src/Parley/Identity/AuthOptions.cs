using Microsoft.Extensions.Options;

namespace Parley.Identity;

/// <summary>
/// Who may use Parley (<c>Parley:Auth</c>). <c>single-user</c> (the default) needs no sign-in for requests from this
/// machine, which act as the local administrator; <c>accounts</c> needs an API key or a web sign-in on every request.
/// API keys work in both modes.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Parley:Auth";

    public const string SingleUser = "single-user";
    public const string Accounts = "accounts";

    /// <summary><c>single-user</c>: requests from loopback without credentials are the local admin; <c>accounts</c>: every request signs in.</summary>
    public string Mode { get; set; } = SingleUser;

    /// <summary>PARLEY_ADMIN_USER: the administrator created at startup from <see cref="AdminPassword"/> when no account exists yet; <c>admin</c> when empty.</summary>
    public string? AdminUser { get; set; }

    /// <summary>PARLEY_ADMIN_PASSWORD for <see cref="AdminUser"/>; at least 8 characters. Only read when no account exists.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>How long a web sign-in lasts.</summary>
    public int SessionDays { get; set; } = 30;

    /// <summary>Failed sign-ins per account and client address in 5 minutes before further attempts from that address get 429 (an address gets four times as many across all names).</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>The name of the bootstrap administrator.</summary>
    public string AdminName => string.IsNullOrWhiteSpace(AdminUser) ? "admin" : AdminUser;

    public bool IsAccounts => string.Equals(Mode, Accounts, StringComparison.OrdinalIgnoreCase);
}

public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(options.Mode, AuthOptions.SingleUser, StringComparison.OrdinalIgnoreCase) && !options.IsAccounts)
            return ValidateOptionsResult.Fail($"Parley:Auth:Mode must be '{AuthOptions.SingleUser}' or '{AuthOptions.Accounts}', not '{options.Mode}'.");
        if (options.SessionDays is < 1 or > 3650)
            return ValidateOptionsResult.Fail($"Parley:Auth:SessionDays must be between 1 and 3650, not {options.SessionDays}.");
        if (options.MaxFailedSignIns < 1)
            return ValidateOptionsResult.Fail($"Parley:Auth:MaxFailedSignIns must be 1 or more, not {options.MaxFailedSignIns}.");
        if (!string.IsNullOrWhiteSpace(options.AdminUser) && string.IsNullOrEmpty(options.AdminPassword))
            return ValidateOptionsResult.Fail("PARLEY_ADMIN_USER (Parley:Auth:AdminUser) needs PARLEY_ADMIN_PASSWORD (Parley:Auth:AdminPassword) too.");
        if (!string.IsNullOrWhiteSpace(options.AdminUser) && UserNames.Problem(options.AdminUser) is { } problem)
            return ValidateOptionsResult.Fail($"PARLEY_ADMIN_USER: {problem}");
        if (!string.IsNullOrEmpty(options.AdminPassword) && Passwords.Weakness(options.AdminPassword) is { } weak)
            return ValidateOptionsResult.Fail($"PARLEY_ADMIN_PASSWORD: {weak}");
        return ValidateOptionsResult.Success;
    }
}
