using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Configuration;

namespace Parley.Providers.Llama;

/// <summary>
/// The <c>llama</c> providers' models, one <see cref="LlamaModel"/> per provider, shared by every request; loads those
/// set to <see cref="LlamaOptions.LoadOnStartup"/> when the server starts, without holding up the other providers.
/// </summary>
public sealed class LlamaModels : IHostedService, IDisposable
{
    private readonly Dictionary<string, LlamaModel> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LlamaOptions> _options = new(StringComparer.OrdinalIgnoreCase);

    public LlamaModels(IOptions<ParleyOptions> options, ILoggerFactory loggers, IMeterFactory meters)
    {
        var parley = options.Value;
        var logger = loggers.CreateLogger<LlamaModel>();
        foreach (var (name, provider) in parley.Providers)
        {
            if (provider.Kind != ProviderKinds.Llama || string.IsNullOrWhiteSpace(provider.ModelPath))
                continue;
            _models[name] = new LlamaModel(name, Locate(provider.ModelPath, parley.DataDirectory), provider.Llama, logger);
            _options[name] = provider.Llama;
        }
        if (_models.Count == 0)
            return;
        LlamaNativeLog.Install(loggers.CreateLogger("Parley.Providers.Llama.LlamaCpp"));
        var meter = meters.Create(Observability.ParleyMetrics.MeterName);
        meter.CreateObservableGauge("parley.local_model.memory", () => _models.Values.SelectMany(Memory), "By",
            "Memory held by each local model: its weights and its sequences' contexts.");
        meter.CreateObservableGauge("parley.local_model.in_flight", () => _models.Values.Select(m => new Measurement<int>(m.InFlight, new KeyValuePair<string, object?>("provider", m.Provider))),
            description: "Replies a local model is generating or has queued.");
    }

    private static IEnumerable<Measurement<long>> Memory(LlamaModel model) =>
    [
        new(model.WeightBytes, new("provider", model.Provider), new("part", "weights")),
        new(model.ContextBytes, new("provider", model.Provider), new("part", "contexts")),
    ];

    public IReadOnlyCollection<LlamaModel> All => _models.Values;

    /// <summary>The chat client for one of a llama provider's models (all of them run the provider's one file).</summary>
    public IChatClient CreateChatClient(ModelEntry model) =>
        _models.TryGetValue(model.Provider, out var loaded)
            ? new LlamaChatClient(loaded, model.ModelId)
            : throw new InvalidOperationException($"No llama provider named {model.Provider} is configured.");

    /// <summary>A relative path is looked up in the data directory's <c>models</c> folder (where <c>models pull</c> saves), then as given.</summary>
    public static string Locate(string path, string dataDirectory)
    {
        if (Path.IsPathRooted(path))
            return path;
        var pulled = Path.GetFullPath(Path.Combine(dataDirectory, "models", path));
        return File.Exists(pulled) ? pulled : Path.GetFullPath(path);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, model) in _models)
        {
            if (_options[name].LoadOnStartup)
                _ = model.WarmUpAsync(CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var model in _models.Values)
            model.Dispose();
    }
}
