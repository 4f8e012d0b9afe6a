using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Caching;

public static class CachingServiceCollectionExtensions
{
    /// <summary>The response cache (<c>Parley:Cache</c>, validated at startup): in memory unless a shared store replaced <see cref="IResponseCache"/>.</summary>
    public static IServiceCollection AddParleyResponseCache(this IServiceCollection services)
    {
        services.AddValidatedOptions<CacheOptions, CacheOptionsValidator>(CacheOptions.Section);
        services.TryAddSingleton<IResponseCache, MemoryResponseCache>();
        services.AddSingleton<CacheStatistics>();
        return services;
    }
}
