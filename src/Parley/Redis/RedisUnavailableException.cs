namespace Parley.Redis;

/// <summary>Redis is configured but not connected right now; callers fall back to in-process state.</summary>
public sealed class RedisUnavailableException() : Exception(RedisConnection.UnreachableWarning);
