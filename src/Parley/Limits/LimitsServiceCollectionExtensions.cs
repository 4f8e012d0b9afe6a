using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>Registers <c>Parley:Limits</c> (validated at startup) and the shared per-caller <see cref="IUserLimiter"/>.</summary>
    public static IServiceCollection AddParleyLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<UserLimitOptions, UserLimitOptionsValidator>(UserLimitOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUserLimiter, InMemoryUserLimiter>();
        return services;
    }
}
