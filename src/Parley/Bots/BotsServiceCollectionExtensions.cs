using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Hosting;

namespace Parley.Bots;

public static class BotsServiceCollectionExtensions
{
    /// <summary>Registers bots, their SQLite store (the conversations' file) and the worker that answers and delivers.</summary>
    public static IServiceCollection AddParleyBots(this IServiceCollection services)
    {
        services.AddValidatedOptions<BotsOptions, BotsOptionsValidator>(BotsOptions.Section);
        services.AddSingleton<BotChatServices>();
        services.TryAddSingleton<IBotStore>(Storage.StoreSelection.BotStore);
        services.AddSingleton<IBotPlatform, BubbleTeaPlatform>();
        services.AddSingleton<IBotPlatform, GenericWebhookPlatform>();
        services.AddSingleton<BotPlatformRegistry>();
        services.AddSingleton<BotSignals>();
        services.AddSingleton<BotDeliveryClients>();
        services.AddSingleton<BotImageFetcher>();
        services.AddHostedService<BotStartup>();
        services.AddHostedService<BotWorker>();
        return services;
    }
}
