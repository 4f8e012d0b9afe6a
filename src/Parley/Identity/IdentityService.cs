using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Identity;

/// <summary>
/// Accounts, API keys and sign-ins, shared by the HTTP APIs, the authentication handler and the admin commands.
/// Every input is checked here, so each surface answers the same errors.
/// </summary>
public sealed class IdentityService(
    IIdentityStore store, ModelCatalog catalog, SignInThrottle throttle, IOptions<AuthOptions> options, TimeProvider time, Retention.DataDeletion data,
    VerifiedKeyCache verified)
{
    /// <summary>How often a key's <c>last_used_at</c> is written at most, so using a key is not a write per request.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    /// <summary>Verified against when a user does not exist, so a wrong name takes as long as a wrong password.</summary>
    private static readonly Lazy<string> DummyHash = new(() => Passwords.Hash(Guid.NewGuid().ToString()));

    private readonly ConcurrentDictionary<string, DateTimeOffset> _touched = new(StringComparer.Ordinal);
    private readonly VerifiedKeyCache _verified = verified;
    private readonly Func<string, CancellationToken, Task<ApiKey?>> _readKey = store.GetKeyAsync;
    private readonly Func<string, CancellationToken, Task<UserAccount?>> _readUser = store.GetUserByIdAsync;

    public IIdentityStore Store => store;

    public async Task<UserAccount> CreateUserAsync(string? name, string? password, bool isAdmin, CancellationToken cancellationToken = default)
    {
        if (UserNames.Problem(name) is { } problem)
            throw Invalid(problem);
        if (Passwords.Weakness(password) is { } weak)
            throw new ParleyException(ErrorCodes.WeakPassword, 400, weak);
        var user = new UserAccount(UserIds.New(), UserNames.Normalize(name!), Passwords.Hash(password!), isAdmin, time.UtcNowStored());
        if (!await store.AddUserAsync(user, cancellationToken))
            throw new ParleyException(ErrorCodes.UserExists, 409, $"A user named '{user.Name}' already exists.");
        _verified.Clear();
        return user;
    }

    /// <summary>
    /// Removes the account named <paramref name="name"/> and then everything stored under its id (conversations, files,
    /// usage, keys, sessions, own retention). A later account with the same name gets a new id, so it sees none of this.
    /// </summary>
    public async Task<UserAccount> DeleteUserAsync(string name, CancellationToken cancellationToken = default)
    {
        var user = await store.GetUserByNameAsync(UserNames.Normalize(name), cancellationToken);
        if (user is null || !await store.DeleteUserAsync(user.Id, time.UtcNowStored(), cancellationToken))
            throw new ParleyException(ErrorCodes.UserNotFound, 404, $"There is no user named '{name}'.");
        _verified.Clear();
        await data.DeleteAllAsync(user.Id, CancellationToken.None);
        await store.SetRetentionDaysAsync(user.Id, null, CancellationToken.None);
        return user;
    }

    /// <summary>Checks a password and opens a web session; returns the session token for the cookie.</summary>
    public async Task<(UserAccount User, string Token, UserSession Session)> SignInAsync(string? name, string? password, string? address, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(password))
            throw Invalid("Send a username and a password.");
        var userName = UserNames.Normalize(name);
        using var attempt = throttle.Begin(userName, address, options.Value.MaxFailedSignIns);
        var user = await store.GetUserByNameAsync(userName, cancellationToken);
        if (!Passwords.Verify(user?.PasswordHash ?? DummyHash.Value, password) || user is null)
        {
            attempt.Failed();
            throw new ParleyException(ErrorCodes.InvalidCredentials, 401, "The user name or password is wrong.");
        }
        attempt.Succeeded();
        var token = ApiKeySecret.NewSessionToken();
        var now = time.UtcNowStored();
        var session = new UserSession(ApiKeySecret.Hash(token), user.Id, now, now.AddDays(options.Value.SessionDays));
        await store.AddSessionAsync(session, cancellationToken);
        return (user, token, session);
    }

    public Task SignOutAsync(string token, CancellationToken cancellationToken = default) =>
        store.DeleteSessionAsync(ApiKeySecret.Hash(token), cancellationToken);

    /// <summary>
    /// Sets a new password and ends every web session of the account. API keys are separate credentials and stay valid
    /// unless <paramref name="revokeKeys"/> asks to revoke them too (a password that leaked may have been used to make keys).
    /// </summary>
    public async Task ChangePasswordAsync(string userId, string? currentPassword, string? newPassword, bool revokeKeys = false, CancellationToken cancellationToken = default)
    {
        var user = await store.GetUserByIdAsync(userId, cancellationToken)
            ?? throw new ParleyException(ErrorCodes.UserNotFound, 404, "This caller has no password to change (single-user mode or a key without an account).");
        if (string.IsNullOrEmpty(currentPassword) || !Passwords.Verify(user.PasswordHash, currentPassword))
            throw new ParleyException(ErrorCodes.InvalidCredentials, 401, "The current password is wrong.");
        if (Passwords.Weakness(newPassword) is { } weak)
            throw new ParleyException(ErrorCodes.WeakPassword, 400, weak);
        await store.SetPasswordAsync(user.Id, Passwords.Hash(newPassword!), cancellationToken);
        await store.DeleteSessionsOfAsync(user.Id, cancellationToken);
        if (revokeKeys)
        {
            foreach (var key in await store.ListKeysAsync(user.Id, cancellationToken))
                await store.RevokeKeyAsync(key.Id, time.UtcNowStored(), cancellationToken);
            _verified.Clear();
        }
    }

    /// <summary>The signed-in user of a session cookie, or null when the session is unknown or over.</summary>
    public async Task<UserAccount?> FindSessionUserAsync(string token, CancellationToken cancellationToken = default)
    {
        var hash = ApiKeySecret.Hash(token);
        var session = await store.GetSessionAsync(hash, cancellationToken);
        if (session is null)
            return null;
        if (session.ExpiresAt <= time.GetUtcNow())
        {
            await store.DeleteSessionAsync(hash, cancellationToken);
            return null;
        }
        return await store.GetUserByIdAsync(session.UserId, cancellationToken);
    }

    /// <summary>
    /// The owner id a typed owner name stands for: the account's id, or, for a name without an account (keys may be made
    /// for those), the name itself; a name shaped like an account id is refused then, so it can never reach an account's data.
    /// </summary>
    public async Task<string> OwnerIdOfAsync(string? name, CancellationToken cancellationToken = default)
    {
        if (UserNames.Problem(name) is { } problem)
            throw Invalid("owner: " + problem);
        var normalized = UserNames.Normalize(name!);
        if (await store.GetUserByNameAsync(normalized, cancellationToken) is { } user)
            return user.Id;
        if (UserIds.IsReserved(normalized))
            throw Invalid($"owner: there is no user named '{normalized}', and names starting with '{UserIds.Prefix}' are kept for accounts.");
        return normalized;
    }

    /// <summary>Owner ids with the names people know them by: every account's id with its name. Other owners are their own name.</summary>
    public async Task<OwnerNames> OwnerNamesAsync(CancellationToken cancellationToken = default) =>
        new((await store.ListUsersAsync(cancellationToken)).ToDictionary(u => u.Id, u => u.Name, StringComparer.OrdinalIgnoreCase));

    /// <summary>Creates a key for the owner id <see cref="NewApiKey.Owner"/> (from <see cref="OwnerIdOfAsync"/> or the caller's own).</summary>
    public async Task<(ApiKey Key, string Secret)> CreateKeyAsync(NewApiKey request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = string.IsNullOrWhiteSpace(request.Name) ? "API key" : request.Name.Trim();
        if (name.Length > 100)
            throw Invalid("Key names have at most 100 characters.");
        if (UserNames.Problem(request.Owner) is { } ownerProblem)
            throw Invalid("owner: " + ownerProblem);
        if (request.RequestsPerMinute is < 0 || request.DailyTokenLimit is < 0 || request.MaxConcurrentStreams is < 0)
            throw Invalid("Limits must be 0 (no limit) or more.");
        var now = time.UtcNowStored();
        if (request.ExpiresAt is { } expires && expires <= now)
            throw Invalid("expiresAt must be in the future.");
        var models = new List<string>();
        foreach (var pattern in (request.Models ?? []).Select(m => m?.Trim() ?? "").Where(m => m.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (ModelAccess.Problem(pattern, catalog) is { } problem)
                throw new ParleyException(ErrorCodes.ModelNotFound, 400, $"models: {problem}");
            models.Add(pattern.Contains('*', StringComparison.Ordinal) ? pattern : catalog.Resolve(pattern).Id);
        }
        var (id, secret) = ApiKeySecret.Generate();
        var key = new ApiKey(id, name, UserNames.Normalize(request.Owner), ApiKeySecret.Hash(secret), models,
            Positive(request.RequestsPerMinute), Positive(request.DailyTokenLimit), Positive(request.MaxConcurrentStreams),
            request.ExpiresAt, now);
        await store.AddKeyAsync(key, cancellationToken);
        return (key, secret);
    }

    /// <summary>Revokes a key; non-admins only their own (others' keys look absent).</summary>
    public async Task RevokeKeyAsync(string id, CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var key = await store.GetKeyAsync(id, cancellationToken);
        if (key is null || !(caller.IsAdmin || string.Equals(key.Owner, caller.Owner, StringComparison.OrdinalIgnoreCase)))
            throw new ParleyException(ErrorCodes.KeyNotFound, 404, $"There is no API key '{id}'.");
        await store.RevokeKeyAsync(id, time.UtcNowStored(), cancellationToken);
        _verified.Clear();
    }

    /// <summary>The key a bearer token names, or why it cannot be used (<c>invalid_api_key</c>, <c>api_key_revoked</c>, <c>api_key_expired</c>).</summary>
    public async Task<(ApiKey? Key, string? FailureCode, string? Failure)> AuthenticateKeyAsync(string token, CancellationToken cancellationToken = default)
    {
        var id = ApiKeySecret.IdOf(token);
        var key = id is null ? null : await _verified.GetKeyAsync(id, _readKey, cancellationToken);
        if (key is null || !ApiKeySecret.Matches(token, key.SecretHash))
            return (null, ErrorCodes.InvalidApiKey, "The API key is not valid. Check that it was copied whole; keys look like pk_…_….");
        var now = time.GetUtcNow();
        if (key.RevokedAt is { } revoked)
            return (null, ErrorCodes.ApiKeyRevoked, $"The API key {key.Prefix}… was revoked on {revoked:yyyy-MM-dd}. Ask for a new one.");
        if (key.ExpiresAt is { } expires && expires <= now)
            return (null, ErrorCodes.ApiKeyExpired, $"The API key {key.Prefix}… expired on {expires:yyyy-MM-dd}. Ask for a new one.");
        if (!_touched.TryGetValue(key.Id, out var touched) || now - touched >= TouchEvery)
        {
            _touched[key.Id] = now;
            await store.TouchKeyAsync(key.Id, time.UtcNowStored(), cancellationToken);
        }
        return (key, null, null);
    }

    /// <summary>Who a valid key acts as: its owner, with the owner's account name and whether they are an administrator (the local user always is in single-user mode).</summary>
    public async Task<CallerIdentity> KeyCallerAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var user = await _verified.GetUserAsync(key.Owner, _readUser, cancellationToken);
        var isAdmin = user?.IsAdmin == true || key.Owner == UserNames.Local && !options.Value.IsAccounts;
        return new CallerIdentity(key.Owner, isAdmin, CallerIdentity.ViaKey, key, user?.Name);
    }

    private static int? Positive(int? value) => value is > 0 ? value : null;

    private static long? Positive(long? value) => value is > 0 ? value : null;

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);
}
