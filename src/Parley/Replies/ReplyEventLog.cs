using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Redis;

namespace Parley.Replies;

/// <summary>
/// Every reply's ordered event log. The instance that runs a reply keeps its log in memory (its own readers follow it
/// there) and, with Redis, also appends each event to the reply's Redis Stream so readers on other instances follow it
/// from there. When Redis fails mid-reply the log goes on in memory alone, with a warning.
/// </summary>
public sealed partial class ReplyEventLog
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private const int ReadBatch = 256;

    private readonly MemoryReplyLog _memory;
    private readonly RedisReplyLog _redis;
    private readonly IOptions<ReplyOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReplyEventLog> _logger;
    private readonly ConcurrentDictionary<ReplyKey, bool> _mirrored = new();

    public ReplyEventLog(RedisConnection redis, IOptions<ReplyOptions> options, TimeProvider time, ILogger<ReplyEventLog> logger)
    {
        _memory = new MemoryReplyLog(options, time);
        _redis = new RedisReplyLog(redis, options);
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Starts a log for a reply this instance is about to run.</summary>
    public void Open(ReplyKey key)
    {
        _memory.Open(key);
        _mirrored[key] = _redis.IsConfigured;
    }

    /// <summary>Appends an event (its JSON) and returns its id.</summary>
    public Task<long> AppendAsync(ReplyKey key, string data) => WriteAsync(key, data);

    /// <summary>Ends the log: readers that caught up stop, later readers replay it whole and stop.</summary>
    public async Task EndAsync(ReplyKey key)
    {
        await WriteAsync(key, null);
        _mirrored.TryRemove(key, out _);
    }

    private async Task<long> WriteAsync(ReplyKey key, string? data)
    {
        var id = (_memory.State(key)?.LastId ?? 0) + 1;
        if (_mirrored.TryGetValue(key, out var mirror) && mirror)
        {
            var db = _redis.Database();
            if (db is null)
                StopMirroring(key, "not connected");
            else
            {
                try
                {
                    await _redis.AppendAsync(db, key, id, data);
                }
                catch (Exception error)
                {
                    // The mirror is best effort: whatever fails in it, the reply and its memory log go on.
                    _redis.Failed(error);
                    StopMirroring(key, error.GetType().Name);
                }
            }
        }
        return _memory.Append(key, data);
    }

    private void StopMirroring(ReplyKey key, string reason)
    {
        _mirrored[key] = false;
        LogRedisLost(_logger, key.ToString(), reason);
    }

    /// <summary>Where the reply's log stands (this instance's memory first, then Redis); null when no log is kept.</summary>
    public async Task<ReplyLogState?> StateAsync(ReplyKey key)
    {
        if (_memory.State(key) is { } local)
            return local;
        var db = _redis.Database();
        if (db is null)
            return null;
        try
        {
            return await _redis.StateAsync(db, key);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            _redis.Failed(error);
            return null;
        }
    }

    /// <summary>The events after <paramref name="after"/>, then each new one as it is added, until the log ends.</summary>
    public async IAsyncEnumerable<ReplyLogEntry> FollowAsync(ReplyKey key, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow().AddSeconds(_options.Value.MaxSeconds + 60);
        while (_time.GetUtcNow() < deadline)
        {
            IReadOnlyList<ReplyLogEntry> entries;
            Task? changed = null;
            if (_memory.Read(key, after) is { } local)
                (entries, changed) = local;
            else if (await ReadRedisAsync(key, after) is { } shared)
                entries = shared;
            else
                yield break;

            foreach (var entry in entries)
            {
                if (entry.IsEnd)
                    yield break;
                after = entry.Id;
                yield return entry;
            }
            if (entries.Count > 0)
                continue;
            if (changed is not null)
                await changed.WaitAsync(TimeSpan.FromSeconds(5), _time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            else if (await StateAsync(key) is null)
                yield break;
            else
                await Task.Delay(PollInterval, _time, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task<IReadOnlyList<ReplyLogEntry>?> ReadRedisAsync(ReplyKey key, long after)
    {
        var db = _redis.Database();
        if (db is null)
            return null;
        try
        {
            return await _redis.ReadAsync(db, key, after, ReadBatch);
        }
        catch (Exception error) when (RedisUserLimiter.IsRedisFailure(error))
        {
            _redis.Failed(error);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis failed while reply {Reply} was being written ({Reason}); its event log continues in this instance's memory, so only clients of this instance can resume it")]
    private static partial void LogRedisLost(ILogger logger, string reply, string reason);
}
