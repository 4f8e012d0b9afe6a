using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Configuration;

namespace Parley.Replies;

public static class RepliesServiceCollectionExtensions
{
    /// <summary>Replies as jobs with resumable event logs, the conversation-events feed and the startup sweep of interrupted replies.</summary>
    public static IServiceCollection AddParleyReplies(this IServiceCollection services)
    {
        services.AddValidatedOptions<ReplyOptions>(ReplyOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ReplyEventLog>();
        services.AddSingleton<ConversationFeed>();
        services.AddSingleton<StreamSlots>();
        services.AddHostedService<InterruptedReplies>();
        services.AddSingleton<ReplyJobs>();
        services.AddHostedService(sp => sp.GetRequiredService<ReplyJobs>());
        return services;
    }
}
