using System.Data.Common;
using Parley.Storage;

namespace Parley.Audit;

/// <summary>
/// The append-only <c>audit</c> table (migration 5 in both dialects; triggers refuse UPDATE and DELETE), in the
/// database the other stores share.
/// </summary>
public sealed class SqlAuditStore(SqlDatabase database) : IAuditStore
{
    private const string Columns = "id, at, actor, via_key, action, target, outcome, address, detail";

    public Task InitializeAsync(CancellationToken cancellationToken = default) => database.MigrateAsync(cancellationToken);

    public Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Count == 0 ? Task.CompletedTask : database.ExecuteBatchAsync("""
            INSERT INTO audit (at, actor, via_key, action, target, outcome, address, detail)
            VALUES (@At, @Actor, @ViaKey, @Action, @Target, @Outcome, @Address, @Detail)
            """,
            events.Select(e => new { At = e.At.ToUnixTimeMilliseconds(), e.Actor, e.ViaKey, e.Action, e.Target, e.Outcome, e.Address, e.Detail }),
            cancellationToken);
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = AuditCursor.Limit(query.Limit);
        var rows = await database.QueryAsync($"""
            SELECT {Columns} FROM audit
            WHERE (@before IS NULL OR id < @before)
              AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
              AND (@action IS NULL OR action = @action OR substr(action, 1, length(@action) + 1) = @action || '.')
              AND (@actor IS NULL OR lower(actor) = lower(@actor))
            ORDER BY id DESC LIMIT @limit
            """,
            new
            {
                before = AuditCursor.Decode(query.Cursor), from = SqlValues.Ms(query.From), to = SqlValues.Ms(query.To),
                action = query.Action, actor = query.Actor, limit = limit + 1,
            },
            Read, cancellationToken);
        return AuditCursor.Page(rows, limit);
    }

    private static AuditEvent Read(DbDataReader r) => new(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetString(2),
        SqlValues.Text(r, 3), r.GetString(4), SqlValues.Text(r, 5), r.GetString(6), SqlValues.Text(r, 7), SqlValues.Text(r, 8));
}
