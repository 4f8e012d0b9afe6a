namespace Parley.Audit;

/// <summary>
/// Where the audit trail is kept: append and read, nothing else (the SQLite table also refuses UPDATE and DELETE with
/// triggers). Implementations: SQLite (default), in-memory; one shared contract test suite.
/// </summary>
public interface IAuditStore
{
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends the events in order; their <see cref="AuditEvent.Id"/> is assigned by the store (ignored here).</summary>
    Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default);

    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
