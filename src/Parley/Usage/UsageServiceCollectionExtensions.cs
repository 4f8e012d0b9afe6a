using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Parley.Usage;

public static class UsageServiceCollectionExtensions
{
    /// <summary>Usage accounting (<c>Parley:Usage</c>, validated at startup): the recorder, the store chosen by <paramref name="store"/> and its writer.</summary>
    public static IServiceCollection AddParleyUsage(this IServiceCollection services, Func<IServiceProvider, IUsageStore> store)
    {
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UsageOptions>, UsageOptionsValidator>();
        services.TryAddSingleton(store);
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService<UsageWriter>();
        return services;
    }
}
