using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Library;
using Parley.Providers.Mock;
using Microsoft.Extensions.Logging;

namespace Parley.Providers;

/// <summary>
/// One pipeline-wrapped <see cref="IChatClient"/> per model, created on first use and kept.
/// The provider adapter is innermost; <see cref="ChatPipelineBuilder"/> layers (tools, limits, ...) wrap it.
/// </summary>
public sealed class ChatClients(
    ModelCatalog catalog,
    IOptions<MockOptions> mockOptions,
    IHttpClientFactory httpClientFactory,
    ChatHandlerRegistry handlers,
    Llama.LlamaModels localModels,
    ILoggerFactory loggers,
    ChatPipelineBuilder pipeline) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.OrdinalIgnoreCase);

    public IChatClient Get(ModelEntry model) =>
        _clients.GetOrAdd(model.Id, _ => new Lazy<IChatClient>(() => pipeline.Build(CreateProviderClient(model), model))).Value;

    /// <summary>The bare provider adapter for a model, without Parley's middleware.</summary>
    public IChatClient CreateProviderClient(ModelEntry model, ProviderOptions? provider = null)
    {
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
