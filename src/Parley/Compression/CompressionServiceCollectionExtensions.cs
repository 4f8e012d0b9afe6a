using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Compression;

public static class CompressionServiceCollectionExtensions
{
    /// <summary>Context compression (<see cref="ContextCompressionOptions"/>, off unless enabled) and the engine's context hook.</summary>
    public static IServiceCollection AddParleyContextCompression(this IServiceCollection services)
    {
        services.AddValidatedOptions<ContextCompressionOptions, ContextCompressionOptionsValidator>(ContextCompressionOptions.Section);
        services.AddSingleton<ContextCompressor>();
        return services;
    }
}
