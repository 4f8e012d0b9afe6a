using System.ComponentModel.DataAnnotations;

namespace Parley.Caching;

/// <summary>
/// Section <c>Parley:Cache</c>: an optional exact-match response cache in front of the providers. A call is answered
/// from the cache when the same model got the same messages and the same output-changing parameters before, within
/// <see cref="TtlSeconds"/>. Only deterministic calls are cached (temperature 0) unless <see cref="Force"/> is set;
/// a request opts out with <c>Cache-Control: no-cache</c> (or <c>no-store</c>).
/// </summary>
public sealed class CacheOptions
{
    public const string Section = "Parley:Cache";

    /// <summary>True turns the response cache on.</summary>
    public bool Enabled { get; set; }

    /// <summary>How long a cached reply is served, in seconds.</summary>
    [Range(1, 30 * 86_400)]
    public int TtlSeconds { get; set; } = 3600;

    /// <summary>Most replies kept; the least recently used one is evicted first.</summary>
    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 1000;

    /// <summary>A reply larger than this (bytes of its stored JSON) is not cached.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxEntryBytes { get; set; } = 256 * 1024;

    /// <summary>Most bytes all cached replies may take together in this process; the least recently used are evicted first.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Also cache calls with a temperature above 0 (their replies would otherwise vary).</summary>
    public bool Force { get; set; }

    /// <summary>
    /// Cache calls that set no temperature (neither the request nor <c>Parley:Temperature</c>); the provider's default
    /// temperature is usually above 0, so they are not cached unless this is set.
    /// </summary>
    public bool CacheUnsetTemperature { get; set; }
}
