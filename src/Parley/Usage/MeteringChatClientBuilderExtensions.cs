using Microsoft.Extensions.AI;
using Parley.Providers;
using Parley.Tokens;

namespace Parley.Usage;

public static class MeteringChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="MeteringChatClient"/>: each call of <paramref name="model"/> is measured once and handed to <paramref name="meters"/> in order.</summary>
    public static ChatClientBuilder UseMetering(this ChatClientBuilder builder, ModelEntry model, TokenCounter counter, TimeProvider time, IReadOnlyList<ICallMeter> meters)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new MeteringChatClient(inner, model, counter, time, meters));
    }
}
