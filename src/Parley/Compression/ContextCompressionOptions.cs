using System.ComponentModel.DataAnnotations;

namespace Parley.Compression;

/// <summary>
/// Section <c>Parley:ContextCompression</c>: when a conversation's history no longer fits the model's context budget,
/// summarise its oldest turns with a (cheap) model instead of dropping them. The summary is stored on the reply it was
/// made for, shown in the conversations API and the web app, and reused on later turns until the history outgrows it.
/// Off by default; when summarising fails the oldest turns are dropped as without compression, and the reply says so.
/// </summary>
public sealed class ContextCompressionOptions
{
    public const string Section = "Parley:ContextCompression";

    /// <summary>True summarises the oldest turns of a conversation that exceeds the model's context budget.</summary>
    public bool Enabled { get; set; }

    /// <summary>The <c>provider/model</c> that writes summaries (a cheap one); empty: the model of the conversation's reply.</summary>
    public string? Model { get; set; }

    /// <summary>Summarise when the history (system prompt included) exceeds this percentage of the model's context budget.</summary>
    [Range(10, 100)]
    public int TriggerPercent { get; set; } = 90;

    /// <summary>The newest turns are kept word for word up to this percentage of the budget; older turns are summarised.</summary>
    [Range(5, 90)]
    public int KeepRecentPercent { get; set; } = 50;

    /// <summary>Most tokens a summary may take (the summariser's output limit).</summary>
    [Range(32, 32_000)]
    public int MaxSummaryTokens { get; set; } = 512;
}
