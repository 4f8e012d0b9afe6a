using System.ComponentModel.DataAnnotations;

namespace Parley.Usage;

/// <summary>
/// Section <c>Parley:Usage</c>: every model call is recorded (owner, surface, models, tokens, latency, outcome, estimated
/// cost) in the <c>usage</c> table and reported by <c>GET /api/usage</c>.
/// </summary>
public sealed class UsageOptions
{
    public const string Section = "Parley:Usage";

    /// <summary>True records every model call.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Prices per model (<c>provider/model</c>, the model that answered) in USD per million tokens; a model without a price has no cost.</summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Records waiting to be written; when full, the oldest is dropped (counted in <c>parley_usage_dropped_total</c>).</summary>
    [Range(16, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Days records are kept; empty keeps them forever.</summary>
    [Range(1, 36_500)]
    public int? RetentionDays { get; set; }
}

/// <summary>A model's price in USD per million tokens.</summary>
public sealed class ModelPrice
{
    /// <summary>USD per million prompt tokens.</summary>
    [Range(0, 1_000_000)]
    public decimal InputPerMillion { get; set; }

    /// <summary>USD per million completion tokens.</summary>
    [Range(0, 1_000_000)]
    public decimal OutputPerMillion { get; set; }
}
