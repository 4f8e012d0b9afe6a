using System.Collections.Concurrent;

namespace Parley.Identity;

/// <summary>Users, keys and sessions in process memory (tests and the library's store-less mode).</summary>
public sealed class InMemoryIdentityStore : IIdentityStore
{
    private readonly ConcurrentDictionary<string, UserAccount> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _adding = new();
    private readonly ConcurrentDictionary<string, ApiKey> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _retention = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _preferences = new(StringComparer.OrdinalIgnoreCase);

    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<bool> AddUserAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_adding)
            return Task.FromResult(FindById(user.Id) is null && _users.TryAdd(user.Name, user));
    }

    public Task<UserAccount?> GetUserByNameAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_users.GetValueOrDefault(name));

    public Task<UserAccount?> GetUserByIdAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(FindById(id));

    public Task<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<UserAccount>>([.. _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)]);

    public Task<bool> SetPasswordAsync(string userId, string passwordHash, CancellationToken cancellationToken = default)
    {
        while (FindById(userId) is { } user)
        {
            if (_users.TryUpdate(user.Name, user with { PasswordHash = passwordHash }, user))
                return Task.FromResult(true);
        }
        return Task.FromResult(false);
    }

    public async Task<bool> DeleteUserAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (FindById(userId) is not { } user || !_users.TryRemove(new KeyValuePair<string, UserAccount>(user.Name, user)))
            return false;
        await DeleteSessionsOfAsync(userId, cancellationToken);
        foreach (var key in _keys.Values.Where(k => string.Equals(k.Owner, userId, StringComparison.OrdinalIgnoreCase)))
            await RevokeKeyAsync(key.Id, at, cancellationToken);
        return true;
    }

    public Task<int> CountUsersAsync(CancellationToken cancellationToken = default) => Task.FromResult(_users.Count);

    public Task AddKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_keys.TryAdd(key.Id, key))
            throw new InvalidOperationException($"API key {key.Id} already exists.");
        return Task.CompletedTask;
    }

    public Task<ApiKey?> GetKeyAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_keys.GetValueOrDefault(id));

    public Task<IReadOnlyList<ApiKey>> ListKeysAsync(string? owner, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ApiKey>>([.. _keys.Values
            .Where(k => owner is null || string.Equals(k.Owner, owner, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal)]);

    public Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(Update(id, k => k.RevokedAt is null ? k with { RevokedAt = at } : k));

    public Task TouchKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        Update(id, k => k with { LastUsedAt = at });
        return Task.CompletedTask;
    }

    public Task AddSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        _sessions[session.TokenHash] = session;
        return Task.CompletedTask;
    }

    public Task<UserSession?> GetSessionAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(_sessions.GetValueOrDefault(tokenHash));

    public Task DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        _sessions.TryRemove(tokenHash, out _);
        return Task.CompletedTask;
    }

    public Task<int> DeleteExpiredSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Task.FromResult(_sessions.Values.Where(s => s.ExpiresAt < now).Count(s => _sessions.TryRemove(s.TokenHash, out _)));

    public Task DeleteSessionsOfAsync(string userId, CancellationToken cancellationToken = default)
    {
        foreach (var session in _sessions.Values.Where(s => string.Equals(s.UserId, userId, StringComparison.OrdinalIgnoreCase)))
            _sessions.TryRemove(session.TokenHash, out _);
        return Task.CompletedTask;
    }

    public Task<int> DeleteKeysOfAsync(string owner, CancellationToken cancellationToken = default)
    {
        var removed = 0;
        foreach (var key in _keys.Values.Where(k => string.Equals(k.Owner, owner, StringComparison.OrdinalIgnoreCase)))
        {
            if (_keys.TryRemove(key.Id, out _))
                removed++;
        }
        return Task.FromResult(removed);
    }

    public Task<int?> GetRetentionDaysAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(_retention.TryGetValue(owner, out var days) ? (int?)days : null);

    public Task SetRetentionDaysAsync(string owner, int? days, CancellationToken cancellationToken = default)
    {
        if (days is { } value)
            _retention[owner] = value;
        else
            _retention.TryRemove(owner, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, int>> ListRetentionDaysAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>(_retention, StringComparer.OrdinalIgnoreCase));

    public Task<string?> GetPreferencesAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(_preferences.TryGetValue(owner, out var json) ? json : null);

    public Task SetPreferencesAsync(string owner, string? json, CancellationToken cancellationToken = default)
    {
        if (json is null)
            _preferences.TryRemove(owner, out _);
        else
            _preferences[owner] = json;
        return Task.CompletedTask;
    }

    private UserAccount? FindById(string id) =>
        _users.Values.FirstOrDefault(u => string.Equals(u.Id, id, StringComparison.OrdinalIgnoreCase));

    private bool Update(string id, Func<ApiKey, ApiKey> change)
    {
        while (_keys.TryGetValue(id, out var key))
        {
            if (_keys.TryUpdate(id, change(key), key))
                return true;
        }
        return false;
    }
}
