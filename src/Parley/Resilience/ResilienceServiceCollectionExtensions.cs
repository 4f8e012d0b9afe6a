using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Parley.Resilience;

public static class ResilienceServiceCollectionExtensions
{
    /// <summary>Retries, breakers and fallbacks (<c>Parley:Resilience</c>, validated at startup).</summary>
    public static IServiceCollection AddParleyResilience(this IServiceCollection services)
    {
        services.AddOptions<ResilienceOptions>().BindConfiguration(ResilienceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>();
        services.AddSingleton<ProviderResilience>();
        return services;
    }
}
