using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Parley.Providers.Llama;

public static class LlamaServiceCollectionExtensions
{
    /// <summary>Local GGUF models (<c>Kind: llama</c> providers): the shared models, their startup load and health check.</summary>
    public static IServiceCollection AddParleyLocalModels(this IServiceCollection services)
    {
        services.AddSingleton<LlamaModels>();
        services.AddHostedService(sp => sp.GetRequiredService<LlamaModels>());
        services.AddHealthChecks().AddCheck<LlamaHealthCheck>("local_models", tags: ["ready"]);
        return services;
    }
}
