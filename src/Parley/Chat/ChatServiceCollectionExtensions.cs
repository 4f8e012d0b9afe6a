using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Providers;

namespace Parley.Chat;

public static class ChatServiceCollectionExtensions
{
    /// <summary>The engine: provider adapters, the pipeline around them, the runner and the turn factory.</summary>
    public static IServiceCollection AddParleyChat(this IServiceCollection services)
    {
        services.TryAddSingleton<Library.ChatHandlerRegistry>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<ProviderClients>();
        services.AddSingleton<ChatPipeline>();
        services.AddSingleton<ChatClients>();
        services.AddSingleton<ChatRunner>();
        services.AddSingleton<TurnFactory>();
        return services;
    }
}
