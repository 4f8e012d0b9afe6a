using Microsoft.Extensions.Hosting;

namespace Parley.Redis;

/// <summary>Connects at startup (waiting at most <see cref="RedisOptions.ConnectTimeoutMs"/>), so the log says at once whether Redis answers.</summary>
internal sealed class RedisStartup(RedisConnection redis) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis.IsConfigured)
            redis.Connect();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
