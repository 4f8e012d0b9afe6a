using Microsoft.Extensions.Caching.Distributed;

namespace Parley.Caching;

/// <summary>Where cached replies live (in process, or Redis shared by every instance): a distributed cache that can count its entries.</summary>
public interface IResponseCache : IDistributedCache
{
    /// <summary>Replies stored right now.</summary>
    ValueTask<int> CountAsync();
}
