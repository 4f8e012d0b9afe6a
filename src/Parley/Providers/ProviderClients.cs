using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Library;
using Parley.Providers.Mock;

namespace Parley.Providers;

/// <summary>
/// The bare provider adapter of each model (no Parley middleware): created on first use and kept. The pipeline of a
/// model wraps its adapter; the resilience router calls fallbacks' adapters directly.
/// </summary>
public sealed class ProviderClients(
    ModelCatalog catalog,
    IOptions<MockOptions> mockOptions,
    IHttpClientFactory httpClientFactory,
    ChatHandlerRegistry handlers,
    Llama.LlamaModels localModels,
    ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The shared adapter of <paramref name="model"/>.</summary>
    public IChatClient Get(ModelEntry model) =>
        _clients.GetOrAdd(model.Id, _ => new Lazy<IChatClient>(() => Create(model))).Value;

    /// <summary>A new adapter for a model (the caller disposes it), with <paramref name="provider"/>'s settings when given.</summary>
    public IChatClient Create(ModelEntry model, ProviderOptions? provider = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        provider ??= catalog.Providers.GetValueOrDefault(model.Provider) ?? new ProviderOptions { Kind = model.Kind };
        var timeout = TimeSpan.FromSeconds(provider.TimeoutSeconds);
        return model.Kind switch
        {
            ProviderKinds.Mock => new MockChatClient(model.ModelId, mockOptions.Value, timeout),
            ProviderKinds.Handler => new HandlerChatClient(handlers, loggers.CreateLogger<HandlerChatClient>()),
            ProviderKinds.OpenAI => OpenAI.OpenAIProvider.CreateChatClient(model.Provider, provider, model.ModelId, HttpClientFor(model, timeout)),
            ProviderKinds.Anthropic => Anthropic.AnthropicProvider.CreateChatClient(model.Provider, provider, model.ModelId, HttpClientFor(model, timeout)),
            ProviderKinds.Llama => localModels.CreateChatClient(model),
            _ => throw new InvalidOperationException($"Unknown provider kind '{model.Kind}' for {model.Provider}."),
        };
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
            client.Value.Dispose();
    }

    private HttpClient HttpClientFor(ModelEntry model, TimeSpan timeout)
    {
        var client = httpClientFactory.CreateClient($"parley-provider-{model.Provider}");
        // The SDKs enforce the provider timeout themselves; this only stops HttpClient's 100 s default from cutting long streams.
        client.Timeout = timeout + TimeSpan.FromSeconds(30);
        return client;
    }
}
