using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Parley.Limits;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>Registers <c>Parley:Limits</c> (validated at startup) and the shared per-caller <see cref="IUserLimiter"/>.</summary>
    public static IServiceCollection AddParleyLimits(this IServiceCollection services)
    {
        services.AddOptions<UserLimitOptions>().BindConfiguration(UserLimitOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UserLimitOptions>, UserLimitOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUserLimiter, InMemoryUserLimiter>();
        return services;
    }
}
