using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Providers;
using Parley.Storage;

namespace Parley.Hosting;

/// <summary>Says in the log what this server will talk to (never a key), and loudly when that is only the mock.</summary>
internal sealed partial class StartupReport(ModelCatalog catalog, IConversationStore store, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var providers = string.Join(", ", catalog.Providers.Keys);
        LogModels(logger, catalog.Default.Id, providers, store is Storage.SqlConversationStore { Kind: "postgres" } sql ? $"postgres ({sql.Target})" : store.Kind);
        if (!catalog.HasRealProvider)
            LogMock(logger, catalog.Default.Id);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Parley default model: {Model}; providers: {Providers}; store: {Store}")]
    private static partial void LogModels(ILogger logger, string model, string providers, string store);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No LLM provider key is configured: replies come from the offline mock model {Model}. Set OPENAI_API_KEY, ANTHROPIC_API_KEY or OPENAI_API_BASE to use a real model.")]
    private static partial void LogMock(ILogger logger, string model);
}
