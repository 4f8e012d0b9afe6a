using Microsoft.Extensions.AI;

namespace Parley.Chat;

/// <summary>
/// Assembles middleware around a provider's <see cref="IChatClient"/>; the first <see cref="Use"/> is the outermost.
/// Microsoft.Extensions.AI's ChatClientBuilder lives in a package the registry copy lacks, so this is its small twin.
/// </summary>
public sealed class ChatPipelineBuilder
{
    private readonly List<Func<IChatClient, IChatClient>> _layers = [];

    public ChatPipelineBuilder Use(Func<IChatClient, IChatClient> layer)
    {
        _layers.Add(layer);
        return this;
    }

    public IChatClient Build(IChatClient provider)
    {
        var client = provider;
        for (var i = _layers.Count - 1; i >= 0; i--)
            client = _layers[i](client);
        return client;
    }
}
