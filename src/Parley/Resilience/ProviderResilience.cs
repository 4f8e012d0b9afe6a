using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Observability;
using Parley.Providers;

namespace Parley.Resilience;

/// <summary>
/// Holds each model's <see cref="ModelResilience"/> (so its breaker is shared) and wraps a model's provider adapter in a
/// <see cref="ResilientChatClient"/>: a router over the model's adapter and its configured fallbacks' adapters
/// (from <see cref="ProviderClients"/>, below every pipeline, so nothing here depends on a pipeline).
/// </summary>
public sealed class ProviderResilience
{
    private readonly ProviderClients _providers;
    private readonly ModelCatalog _catalog;
    private readonly ResilienceOptions _options;
    private readonly ParleyMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<ModelResilience>> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<ModelEntry>> _fallbacks = new(StringComparer.OrdinalIgnoreCase);

    public ProviderResilience(
        ProviderClients providers, ModelCatalog catalog, IOptions<ResilienceOptions> options, ParleyMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    {
        _providers = providers;
        _catalog = catalog;
        _options = options.Value;
        _metrics = metrics;
        _loggers = loggers;
        _time = time;
        // Names were checked at startup (ResilienceOptionsValidator); keys and entries may be aliases, so resolve both.
        foreach (var (model, fallbacks) in _options.Fallbacks)
        {
            var primary = _catalog.Resolve(model);
            var chain = _fallbacks.TryGetValue(primary.Id, out var existing) ? existing : _fallbacks[primary.Id] = [];
            foreach (var entry in fallbacks.Select(_catalog.Resolve))
            {
                if (!entry.Id.Equals(primary.Id, StringComparison.OrdinalIgnoreCase) && !chain.Exists(e => e.Id.Equals(entry.Id, StringComparison.OrdinalIgnoreCase)))
                    chain.Add(entry);
            }
        }
    }

    /// <summary>The ordered fallbacks configured for a model (empty when none).</summary>
    public IReadOnlyList<ModelEntry> FallbacksOf(ModelEntry model) => _fallbacks.GetValueOrDefault(model.Id) ?? [];

    /// <summary>The shared retries and breaker of a model.</summary>
    public ModelResilience For(ModelEntry model) =>
        _models.GetOrAdd(model.Id, _ => new Lazy<ModelResilience>(() =>
            new ModelResilience(model, _options, _metrics, _loggers.CreateLogger<ModelResilience>(), _time))).Value;

    /// <summary>The pipeline layer: <paramref name="provider"/> with retries, breaker and fallbacks; unchanged when disabled.</summary>
    public IChatClient Wrap(IChatClient provider, ModelEntry model)
    {
        if (!_options.Enabled || (!ModelResilience.IsGuarded(model) && FallbacksOf(model).Count == 0))
            return provider;
        // A fallback is called through its own retries and breaker but never its own fallbacks, so chains cannot loop.
        var fallbacks = FallbacksOf(model).Select(f => (For(f), _providers.Get(f))).ToList();
        return new ResilientChatClient(provider, For(model), fallbacks, _metrics, _loggers.CreateLogger<ResilientChatClient>());
    }
}
