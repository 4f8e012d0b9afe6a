using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Bots;

/// <summary>Creates the bot tables and warns about bots whose webhook anyone could call.</summary>
internal sealed partial class BotStartup(IBotStore store, IOptions<BotsOptions> options, ILogger<BotStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        foreach (var (name, bot) in options.Value.Bots)
        {
            if (string.IsNullOrEmpty(bot.WebhookSecret))
                LogUnsigned(logger, name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bot {Bot} has no WebhookSecret (BUBBLETEA_WEBHOOK_SECRET): anyone who can reach /bots/{Bot}/webhook can make it answer. Set a secret and sign requests with X-Parley-Signature.")]
    private static partial void LogUnsigned(ILogger logger, string bot);
}
