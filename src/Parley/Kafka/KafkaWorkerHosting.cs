using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Api.Health;

namespace Parley.Kafka;

/// <summary>The <c>worker</c> verb: the Kafka worker alone, with <c>/health</c>, <c>/health/live</c> and <c>/health/ready</c> as its only HTTP endpoints.</summary>
public static class KafkaWorkerHosting
{
    /// <summary>Maps only the health endpoints; stops startup with one line when BOOTSTRAP_SERVER is missing.</summary>
    public static WebApplication MapKafkaWorker(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<KafkaOptions>>().Value.Enabled)
            throw new OptionsValidationException(KafkaOptions.Section, typeof(KafkaOptions),
                [$"The worker needs {KafkaOptions.Section}:BootstrapServers (BOOTSTRAP_SERVER), e.g. BOOTSTRAP_SERVER=localhost:9092."]);
        app.MapHealthApi();
        return app;
    }
}
