using Microsoft.AspNetCore.Http;
using Parley.Identity;

namespace Parley.Audit;

/// <summary>
/// Records audit events without waiting for the database: entries are queued and written in the background.
/// Call it from any endpoint that does something security-relevant (the export endpoints record
/// <see cref="AuditActions.DataExported"/> through it).
/// </summary>
public interface IAuditLog
{
    void Record(AuditEntry entry);

    /// <summary>A refused API key: recorded up to <see cref="AuditOptions.MaxRefusalsPerMinute"/> a minute, the rest only counted.</summary>
    void RecordRefusal(AuditEntry entry);

    /// <summary>Waits until what was recorded so far is written, at most <paramref name="timeout"/>.</summary>
    Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken = default);
}

public static class AuditLogExtensions
{
    /// <summary>Records an event by the request's caller (their name as people know it, and the key id) from the request's client address.</summary>
    public static void Record(this IAuditLog log, HttpContext context, string action, string? target, string outcome = AuditActions.Success, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(context);
        var caller = CallerIdentity.Of(context);
        log.Record(new AuditEntry(caller.Owner.Length > 0 ? caller.DisplayName : AuditActions.Anonymous, action, target, outcome,
            AddressOf(context), detail, caller.Key?.Id));
    }

    public static string? AddressOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
            address = address.MapToIPv4();
        return address?.ToString();
    }
}
