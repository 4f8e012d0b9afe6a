using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Parley.Chat;

namespace Parley.Providers;

/// <summary>One pipeline-wrapped <see cref="IChatClient"/> per model (<see cref="ChatPipeline.Build"/> around its provider adapter), created on first use and kept.</summary>
public sealed class ChatClients(ProviderClients providers, ChatPipeline pipeline) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.OrdinalIgnoreCase);

    public IChatClient Get(ModelEntry model) =>
        _clients.GetOrAdd(model.Id, _ => new Lazy<IChatClient>(() => pipeline.Build(providers.Get(model), model))).Value;

    public void Dispose()
    {
        // The middleware holds no resources of its own; the provider adapters are disposed by ProviderClients.
        _clients.Clear();
    }
}
