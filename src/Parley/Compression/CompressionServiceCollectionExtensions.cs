using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Parley.Compression;

public static class CompressionServiceCollectionExtensions
{
    /// <summary>Context compression (<see cref="ContextCompressionOptions"/>, off unless enabled) and the engine's context hook.</summary>
    public static IServiceCollection AddParleyContextCompression(this IServiceCollection services)
    {
        services.AddOptions<ContextCompressionOptions>().BindConfiguration(ContextCompressionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContextCompressionOptions>, ContextCompressionOptionsValidator>();
        services.AddSingleton<ContextCompressor>();
        return services;
    }
}
