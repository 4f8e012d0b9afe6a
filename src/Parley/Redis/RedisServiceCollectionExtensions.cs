using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Parley.Caching;
using Parley.Configuration;
using Parley.Conversations;
using Parley.Limits;
using Parley.Redis.History;
using Parley.Storage;

namespace Parley.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Registers <c>Parley:Redis</c> and <c>Parley:Storage</c>. Call after the in-process limiter, cache and store are
    /// registered: when REDIS_URL is set they are wrapped by their Redis versions (which fall back to them, or to
    /// memory, while Redis is unreachable); otherwise they are used as they are.
    /// </summary>
    public static IServiceCollection AddParleyRedis(this IServiceCollection services)
    {
        services.AddValidatedOptions<RedisOptions, RedisOptionsValidator>(RedisOptions.Section);
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(StorageOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RedisConnection>();
        services.AddHostedService<RedisStartup>();
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<RedisOptions>>((health, redis) =>
        {
            if (!string.IsNullOrWhiteSpace(redis.Value.Url))
                health.Registrations.Add(new HealthCheckRegistration("redis",
                    sp => ActivatorUtilities.CreateInstance<RedisHealthCheck>(sp), HealthStatus.Degraded, ["redis"]));
        });

        services.AddSingleton<RedisReplyCancellation>();
        services.AddSingleton<IReplyCancellationRelay>(sp => sp.GetRequiredService<RedisReplyCancellation>());
        services.AddHostedService(sp => sp.GetRequiredService<RedisReplyCancellation>());

        Decorate<IUserLimiter>(services, (sp, local) => Configured(sp)
            ? ActivatorUtilities.CreateInstance<RedisUserLimiter>(sp, ActivatorUtilities.CreateInstance<InMemoryUserLimiter>(sp))
            : local());
        Decorate<IResponseCache>(services, (sp, local) => Configured(sp)
            ? ActivatorUtilities.CreateInstance<RedisResponseCache>(sp, ActivatorUtilities.CreateInstance<MemoryResponseCache>(sp))
            : local());
        Decorate<IConversationStore>(services, (sp, local) => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider.ToLowerInvariant() switch
        {
            StorageOptions.Redis => new FallbackConversationStore(ActivatorUtilities.CreateInstance<RedisConversationStore>(sp), sp.GetRequiredService<RedisConnection>()),
            StorageOptions.Memory => new Parley.Storage.Memory.InMemoryConversationStore(),
            _ => local(),
        });
        Decorate<Folders.IFolderStore>(services, (sp, local) => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider.ToLowerInvariant() is StorageOptions.Redis or StorageOptions.Memory
            ? new Folders.FolderStoreWithHistory(local(), sp.GetRequiredService<IConversationStore>())
            : local());
        return services;
    }

    private static bool Configured(IServiceProvider services) => services.GetRequiredService<RedisConnection>().IsConfigured;

    /// <summary>Replaces the singleton registration of <typeparamref name="T"/> with one that may build on it.</summary>
    private static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, Func<T>, T> create) where T : class
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(T) && !d.IsKeyedService);
        if (original is null)
            return;
        services.Remove(original);
        services.AddSingleton(sp => create(sp, () => (T)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }
}
