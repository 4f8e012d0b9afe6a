namespace Parley.Caching;

/// <summary>Where cached replies live: in process today (<see cref="MemoryResponseCache"/>), a shared store later.</summary>
public interface IResponseCache
{
    /// <summary>The reply stored under <paramref name="key"/>, or null when there is none or it expired.</summary>
    ValueTask<CachedReply?> FindAsync(string key);

    /// <summary>Stores <paramref name="reply"/> under <paramref name="key"/>, evicting older entries to stay within bounds.</summary>
    ValueTask StoreAsync(string key, CachedReply reply);

    /// <summary>Replies stored right now.</summary>
    ValueTask<int> CountAsync();
}
