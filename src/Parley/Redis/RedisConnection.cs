using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Parley.Redis;

/// <summary>
/// Parley's one connection to Redis. Connecting never fails startup (AbortOnConnectFail=false, StackExchange.Redis keeps
/// reconnecting); <see cref="IsAvailable"/> says whether Redis answers right now, and each change between up and down
/// is logged once. Users fall back to in-process state while it is false and report failed commands with <see cref="Failed"/>.
/// </summary>
public sealed partial class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger, TimeProvider time) : IDisposable
{
    /// <summary>Seed 004's warning, shown in /health, /health/ready, /api/config and the web app's banner.</summary>
    public const string UnreachableWarning = "Redis is configured but unreachable";

    private const int Unknown = 0, Up = 1, Down = 2;

    private readonly Lock _gate = new();
    private ConnectionMultiplexer? _multiplexer;
    private DateTimeOffset _nextAttempt = DateTimeOffset.MinValue;
    private int _state = Unknown;
    private bool _disposed;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Url);

    public string KeyPrefix => options.Value.KeyPrefix;

    /// <summary>Host, port and database (never the password).</summary>
    public string Describe() => IsConfigured ? RedisUrl.Describe(options.Value.Url!) : "(not configured)";

    /// <summary>True when Redis is configured and connected.</summary>
    public bool IsAvailable
    {
        get
        {
            if (!IsConfigured)
                return false;
            var up = Multiplexer()?.IsConnected == true;
            Observe(up, null);
            return up;
        }
    }

    /// <summary>The warning for /health and the banner, or null when Redis is off or answering.</summary>
    public string? Warning => IsConfigured && !IsAvailable
        ? $"{UnreachableWarning} ({Describe()}); limits, the response cache and history use this instance's memory until it returns."
        : null;

    /// <summary>The database when Redis is available, else null (the caller uses its in-process fallback).</summary>
    public IDatabase? Database() => IsAvailable ? Multiplexer()?.GetDatabase() : null;

    public ISubscriber? Subscriber() => Multiplexer()?.GetSubscriber();

    /// <summary>A command failed: marks Redis down if the connection is gone (a timeout on a live connection changes nothing).</summary>
    public void Failed(Exception error) => Observe(_multiplexer?.IsConnected == true, error);

    /// <summary>Connects now (at startup) rather than on first use.</summary>
    public void Connect() => _ = IsAvailable;

    public event Action? Restored;

    private ConnectionMultiplexer? Multiplexer()
    {
        if (_multiplexer is { } existing)
            return existing;
        lock (_gate)
        {
            if (_multiplexer is not null || _disposed || time.GetUtcNow() < _nextAttempt)
                return _multiplexer;
            try
            {
                var settings = RedisUrl.Parse(options.Value.Url!);
                settings.AbortOnConnectFail = false;
                settings.ConnectTimeout = options.Value.ConnectTimeoutMs;
                settings.SyncTimeout = Math.Max(5000, options.Value.ConnectTimeoutMs);
                settings.ConnectRetry = 1;
                settings.KeepAlive = 5;
                var multiplexer = ConnectionMultiplexer.Connect(settings);
                multiplexer.ConnectionFailed += (_, e) => Observe(false, e.Exception);
                multiplexer.ConnectionRestored += (_, _) =>
                {
                    if (multiplexer.IsConnected)
                        Observe(true, null);
                };
                _multiplexer = multiplexer;
            }
            catch (Exception error) when (error is RedisException or TimeoutException or System.Net.Sockets.SocketException or ArgumentException)
            {
                // Without AbortOnConnectFail this is rare (e.g. an unresolvable host); try again a little later.
                _nextAttempt = time.GetUtcNow().AddSeconds(5);
                Observe(false, error);
            }
            return _multiplexer;
        }
    }

    private void Observe(bool up, Exception? error)
    {
        var next = up ? Up : Down;
        var previous = Interlocked.Exchange(ref _state, next);
        if (previous == next)
            return;
        if (up)
        {
            var endpoint = Describe();
            LogConnected(logger, endpoint);
            if (previous == Down)
                Restored?.Invoke();
        }
        else
        {
            var endpoint = Describe();
            var reason = error is null ? "not connected" : error.GetType().Name;
            LogUnreachable(logger, endpoint, reason);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _multiplexer?.Dispose();
            _multiplexer = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connected: {Endpoint}")]
    private static partial void LogConnected(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is configured but unreachable ({Endpoint}, {Reason}); serving from in-process limits, cache and history until it returns")]
    private static partial void LogUnreachable(ILogger logger, string endpoint, string reason);
}
