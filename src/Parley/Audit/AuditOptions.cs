using System.ComponentModel.DataAnnotations;

namespace Parley.Audit;

/// <summary>
/// Section <c>Parley:Audit</c>: security-relevant events (keys, sign-ins, refused keys, password changes, admin actions,
/// data export and deletion, retention runs) go to the append-only <c>audit</c> table, read by administrators at
/// <c>GET /api/admin/audit</c>.
/// </summary>
public sealed class AuditOptions
{
    public const string Section = "Parley:Audit";

    /// <summary>Events waiting to be written; when full, new events are dropped (counted in <c>parley_audit_dropped_total</c>).</summary>
    [Range(16, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Refused API keys and failed sign-ins recorded one by one per minute; more are only counted, in one summary row, so a flood cannot grow the table.</summary>
    [Range(0, 100_000)]
    public int MaxRefusalsPerMinute { get; set; } = 60;
}
