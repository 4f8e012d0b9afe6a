using Microsoft.Extensions.AI;
using Parley.Providers;

namespace Parley.Resilience;

public static class ResilienceChatClientBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="ResilientChatClient"/> for <paramref name="model"/>: its retries and breaker, and a router to its
    /// configured fallbacks' provider clients (see <see cref="ProviderResilience"/>); unchanged when resilience is off.
    /// </summary>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, ModelEntry model, ProviderResilience resilience)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(resilience);
        return builder.Use(inner => resilience.Wrap(inner, model));
    }
}
