using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Parley.Kafka;

// The conventional namespace for AddXxx registrations, so AddParley needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

public static class KafkaServiceCollectionExtensions
{
    /// <summary>
    /// Registers seed 001's Kafka worker, its <c>kafka</c> readiness check and <c>Parley.Kafka</c> metrics.
    /// The worker starts only when <c>Parley:Kafka:BootstrapServers</c> (BOOTSTRAP_SERVER) is set.
    /// </summary>
    public static IServiceCollection AddParleyKafka(this IServiceCollection services)
    {
        services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>();
        services.AddOptions<UserLimitOptions>().BindConfiguration(UserLimitOptions.Section)
            .Validate(o => o.RequestsPerMinute is null or >= 0, "Parley:Limits:RequestsPerMinute (REQUESTS_PER_MINUTE) must be 0 (no limit) or more.")
            .Validate(o => o.DailyTokenLimit is null or >= 0, "Parley:Limits:DailyTokenLimit (DAILY_TOKEN_LIMIT) must be 0 (no limit) or more.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUserLimiter, InMemoryUserLimiter>();
        services.AddSingleton<KafkaWorkerStatus>();
        services.AddSingleton<KafkaMetrics>();
        services.AddSingleton<KafkaRequestHandler>();
        services.AddHostedService<KafkaWorker>();
        services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
        return services;
    }
}
