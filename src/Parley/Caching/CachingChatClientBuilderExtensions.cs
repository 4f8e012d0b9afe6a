using Microsoft.Extensions.AI;
using Parley.Providers;

namespace Parley.Caching;

public static class CachingChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="CachingChatClient"/> for <paramref name="model"/> when <see cref="CacheOptions.Enabled"/> (exact-match response cache).</summary>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, ModelEntry model, IResponseCache cache, CacheOptions options, CacheStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return options.Enabled ? builder.Use(inner => new CachingChatClient(inner, model.Id, cache, options, statistics)) : builder;
    }
}
