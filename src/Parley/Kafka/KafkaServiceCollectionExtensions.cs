using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Limits;
using Parley.Configuration;

namespace Parley.Kafka;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers seed 001's Kafka worker, its <c>kafka</c> readiness check and <c>Parley.Kafka</c> metrics.
    /// The worker starts only when <c>Parley:Kafka:BootstrapServers</c> (BOOTSTRAP_SERVER) is set.
    /// </summary>
    public static IServiceCollection AddParleyKafka(this IServiceCollection services)
    {
        services.AddValidatedOptions<KafkaOptions, KafkaOptionsValidator>(KafkaOptions.Section);
        services.AddParleyLimits();
        services.AddSingleton<KafkaWorkerStatus>();
        services.AddSingleton<KafkaMetrics>();
        services.AddSingleton<KafkaRequestHandler>();
        services.AddHostedService<KafkaWorker>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
        return services;
    }
}
