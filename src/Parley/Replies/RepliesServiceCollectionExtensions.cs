using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Replies;

// The conventional namespace for AddXxx registrations, so AddParley needs no extra using.
namespace Microsoft.Extensions.DependencyInjection;

public static class RepliesServiceCollectionExtensions
{
    /// <summary>Replies as jobs with resumable event logs, the conversation-events feed and the startup sweep of interrupted replies.</summary>
    public static IServiceCollection AddParleyReplies(this IServiceCollection services)
    {
        services.AddOptions<ReplyOptions>().BindConfiguration(ReplyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
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
