using System.Collections.Concurrent;

namespace Parley.Identity;

/// <summary>
/// Keys and the accounts they belong to, read from the store in the last few seconds, so a request with an API key costs no
/// database round trip (two point reads per request before, each one a connection from the pool and a query). Every
/// change made through <see cref="IdentityService"/> or <see cref="Retention.DataDeletion"/> clears it at once; a change made by another instance or the CLI
/// applies here within <see cref="Lifetime"/>.
/// </summary>
public sealed class VerifiedKeyCache(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    /// <summary>Entries beyond this are not added, so a flood of distinct valid keys cannot grow memory without bound.</summary>
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ApiKey Key, long At)> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (UserAccount? User, long At)> _users = new(StringComparer.Ordinal);

    internal async ValueTask<ApiKey?> GetKeyAsync(string id, Func<string, CancellationToken, Task<ApiKey?>> read, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(id, out var cached) && Fresh(cached.At))
            return cached.Key;
        var key = await read(id, cancellationToken);
        if (key is not null && _keys.Count < MaxEntries)
            _keys[id] = (key, time.GetTimestamp());
        return key;
    }

    /// <summary>The account whose id is <paramref name="owner"/>, or null for an owner without one.</summary>
    internal async ValueTask<UserAccount?> GetUserAsync(string owner, Func<string, CancellationToken, Task<UserAccount?>> read, CancellationToken cancellationToken)
    {
        if (_users.TryGetValue(owner, out var cached) && Fresh(cached.At))
            return cached.User;
        var user = await read(owner, cancellationToken);
        if (_users.Count < MaxEntries)
            _users[owner] = (user, time.GetTimestamp());
        return user;
    }

    /// <summary>Forgets everything: called after any change to users or keys.</summary>
    public void Clear()
    {
        _keys.Clear();
        _users.Clear();
    }

    private bool Fresh(long at) => time.GetElapsedTime(at) < Lifetime;
}
