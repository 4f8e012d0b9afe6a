using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Resilience;

public static class ResilienceServiceCollectionExtensions
{
    /// <summary>Retries, breakers and fallbacks (<c>Parley:Resilience</c>, validated at startup).</summary>
    public static IServiceCollection AddParleyResilience(this IServiceCollection services)
    {
        services.AddValidatedOptions<ResilienceOptions, ResilienceOptionsValidator>(ResilienceOptions.Section);
        services.AddSingleton<ProviderResilience>();
        return services;
    }
}
