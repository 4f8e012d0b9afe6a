using Microsoft.Extensions.AI;
using Parley.Providers;
using Parley.Tokens;

namespace Parley.Usage;

public static class UsageChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="UsageChatClient"/>: one usage record per call of <paramref name="model"/>, for the call's caller.</summary>
    public static ChatClientBuilder UseUsageAccounting(this ChatClientBuilder builder, ModelEntry model, UsageRecorder recorder, TokenCounter counter, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new UsageChatClient(inner, model, recorder, counter, time));
    }
}
