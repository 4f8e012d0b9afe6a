using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Parley.Configuration;

/// <summary>
/// The one way a feature registers its options: bound to its configuration section, checked by one
/// <see cref="IValidateOptions{TOptions}"/> (which names the section in every error) and validated at startup.
/// </summary>
public static class OptionsRegistration
{
    /// <summary>Binds <paramref name="section"/> to <typeparamref name="T"/>, validated by <typeparamref name="TValidator"/> at startup.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T, TValidator>(this IServiceCollection services, string section)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>Binds <paramref name="section"/> to <typeparamref name="T"/>, whose data annotations are checked at startup (<see cref="AnnotatedOptionsValidator{T}"/>).</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new AnnotatedOptionsValidator<T>(section)));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }
}
