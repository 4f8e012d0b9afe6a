using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Parley.Redis;
using StackExchange.Redis;

namespace Parley.Replies;

/// <summary>
/// Tells a user's open tabs what changed in their conversations (created, renamed, deleted, a message added, a reply
/// started or finished). With Redis the notices go through one pub/sub channel, so tabs on every instance hear them;
/// without it, or while it is unreachable, only this instance's tabs do. Notices are live only (no replay): a tab
/// that connects loads the list first.
/// </summary>
public sealed class ConversationFeed(RedisConnection redis)
{
    private const int Backlog = 256;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<string>, byte>> _listeners = new(StringComparer.Ordinal);
    private int _subscribed;

    private RedisChannel Channel => RedisChannel.Literal($"{redis.KeyPrefix}conversations:feed");

    public void Publish(string owner, ConversationNotice notice)
    {
        var json = JsonSerializer.Serialize(notice, Json);
        EnsureSubscribed();
        if (Volatile.Read(ref _subscribed) == 1 && redis.IsAvailable)
        {
            try
            {
                _ = redis.Subscriber()!.PublishAsync(Channel, owner + "\n" + json, CommandFlags.FireAndForget);
                return;
            }
            catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error) || error is InvalidOperationException)
            {
                redis.Failed(error);
            }
        }
        Deliver(owner, json);
    }

    /// <summary>The owner's notices (JSON) from now on, until the subscription is disposed.</summary>
    public Subscription Listen(string owner)
    {
        EnsureSubscribed();
        var channel = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest });
        var listeners = _listeners.GetOrAdd(owner, _ => new ConcurrentDictionary<Channel<string>, byte>());
        listeners.TryAdd(channel, 0);
        return new Subscription(channel.Reader, () => listeners.TryRemove(channel, out _));
    }

    public sealed class Subscription(ChannelReader<string> reader, Action remove) : IDisposable
    {
        public ChannelReader<string> Reader => reader;

        public void Dispose() => remove();
    }

    private void Deliver(string owner, string json)
    {
        if (!_listeners.TryGetValue(owner, out var listeners))
            return;
        foreach (var channel in listeners.Keys)
            channel.Writer.TryWrite(json);
    }

    private void EnsureSubscribed()
    {
        if (Volatile.Read(ref _subscribed) == 1 || !redis.IsAvailable)
            return;
        try
        {
            redis.Subscriber()!.Subscribe(Channel, (_, message) =>
            {
                var text = (string)message!;
                var newline = text.IndexOf('\n', StringComparison.Ordinal);
                if (newline > 0)
                    Deliver(text[..newline], text[(newline + 1)..]);
            });
            Volatile.Write(ref _subscribed, 1);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            redis.Failed(error);
        }
    }
}
