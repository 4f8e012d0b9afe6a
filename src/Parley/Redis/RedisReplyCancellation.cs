using Microsoft.Extensions.Hosting;
using Parley.Conversations;
using StackExchange.Redis;

namespace Parley.Redis;

/// <summary>
/// Stop signals between instances: a stop for a reply this instance is not running is published on a Redis channel,
/// and every instance cancels the reply if it runs it. Subscriptions are restored when Redis reconnects.
/// </summary>
public sealed class RedisReplyCancellation(RedisConnection redis) : IReplyCancellationRelay, IHostedService
{
    private ActiveReplies? _active;
    private int _subscribed;

    private RedisChannel Channel => RedisChannel.Literal($"{redis.KeyPrefix}replies:cancel");

    public void Publish(string conversationId)
    {
        if (!redis.IsAvailable)
            return;
        try
        {
            redis.Subscriber()?.Publish(Channel, conversationId, CommandFlags.FireAndForget);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
        }
    }

    /// <summary>Called by <see cref="ActiveReplies"/> when it is created, so signals reach the replies it runs.</summary>
    public void Attach(ActiveReplies active)
    {
        _active = active;
        if (redis.IsConfigured)
            Subscribe();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis.IsConfigured)
            redis.Restored += Subscribe;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Subscribe()
    {
        if (_active is not { } active || Volatile.Read(ref _subscribed) == 1 || !redis.IsAvailable)
            return;
        try
        {
            redis.Subscriber()?.Subscribe(Channel, (_, id) => active.CancelHere((string)id!));
            Volatile.Write(ref _subscribed, 1);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
        }
    }
}
