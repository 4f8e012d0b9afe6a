using Microsoft.Extensions.DependencyInjection;

namespace Parley.Compression;

public static class CompressionServiceCollectionExtensions
{
    /// <summary>Context compression (<see cref="ContextCompressionOptions"/>, off unless enabled) and the engine's context hook.</summary>
    public static IServiceCollection AddParleyContextCompression(this IServiceCollection services)
    {
        services.AddOptions<ContextCompressionOptions>().BindConfiguration(ContextCompressionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ContextCompressor>();
        return services;
    }
}
