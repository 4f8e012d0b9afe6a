using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Caching;
using Parley.Resilience;
using Parley.Tools;

namespace Parley.Chat;

/// <summary>
/// The one method that orders Parley's middleware around every provider (first is outermost).
/// Later layers (limits, usage) join here, in the order architecture.md gives.
/// </summary>
public static class ChatPipeline
{
    public static ChatPipelineBuilder Create(IServiceProvider services)
    {
        var tools = services.GetRequiredService<IOptions<ToolsOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        return new ChatPipelineBuilder()
            .Use(inner => new ToolInvokingChatClient(inner, tools.Loop, loggers.CreateLogger<ToolInvokingChatClient>()))
            // Inside the tool loop, so each round can be answered from the cache; outside resilience, so a hit skips the provider.
            .UseResponseCache(services)
            // Innermost, next to the provider: each tool-loop round gets its own retries, breaker and fallbacks.
            .UseResilience(services);
    }

    /// <summary>Adds <see cref="CachingChatClient"/> when <see cref="CacheOptions.Enabled"/> (exact-match response cache).</summary>
    public static ChatPipelineBuilder UseResponseCache(this ChatPipelineBuilder builder, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = services.GetRequiredService<IOptions<CacheOptions>>().Value;
        if (!options.Enabled)
            return builder;
        return builder.Use((inner, model) => new CachingChatClient(
            inner, model.Id, services.GetRequiredService<IResponseCache>(), options, services.GetRequiredService<CacheStatistics>()));
    }

    /// <summary>Adds <see cref="ResilientChatClient"/> (retries, circuit breaker, fallbacks; see <see cref="ResilienceOptions"/>).</summary>
    public static ChatPipelineBuilder UseResilience(this ChatPipelineBuilder builder, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Resolved when a model's client is first built, not here: ProviderResilience needs ChatClients, which needs this pipeline.
        return builder.Use((inner, model) => services.GetRequiredService<ProviderResilience>().Wrap(inner, model));
    }
}
