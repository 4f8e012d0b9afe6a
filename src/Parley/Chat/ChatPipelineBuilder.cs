using Microsoft.Extensions.AI;
using Parley.Providers;

namespace Parley.Chat;

/// <summary>
/// Assembles middleware around a provider's <see cref="IChatClient"/>; the first <see cref="Use(Func{IChatClient, ModelEntry, IChatClient})"/> is the outermost.
/// Microsoft.Extensions.AI's ChatClientBuilder lives in a package the registry copy lacks, so this is its small twin.
/// A layer may take the <see cref="ModelEntry"/> the client is built for (a breaker or fallbacks are per model).
/// </summary>
public sealed class ChatPipelineBuilder
{
    private readonly List<Func<IChatClient, ModelEntry, IChatClient>> _layers = [];

    public ChatPipelineBuilder Use(Func<IChatClient, IChatClient> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Use((inner, _) => layer(inner));
    }

    public ChatPipelineBuilder Use(Func<IChatClient, ModelEntry, IChatClient> layer)
    {
        _layers.Add(layer);
        return this;
    }

    public IChatClient Build(IChatClient provider, ModelEntry model)
    {
        var client = provider;
        for (var i = _layers.Count - 1; i >= 0; i--)
            client = _layers[i](client, model);
        return client;
    }
}
