using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Usage;

public static class UsageServiceCollectionExtensions
{
    /// <summary>Usage accounting (<c>Parley:Usage</c>, validated at startup): the recorder, the store chosen by <paramref name="store"/> and its writer.</summary>
    public static IServiceCollection AddParleyUsage(this IServiceCollection services, Func<IServiceProvider, IUsageStore> store)
    {
        services.AddValidatedOptions<UsageOptions, UsageOptionsValidator>(UsageOptions.Section);
        services.TryAddSingleton(store);
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<UsageWriter>();
        return services;
    }
}
