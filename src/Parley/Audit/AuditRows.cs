using System.Data.Common;
using Parley.Storage;

namespace Parley.Audit;

/// <summary>How the SQL audit stores (SQLite, PostgreSQL) write and read the <c>audit</c> table: same columns, same order.</summary>
internal static class AuditRows
{
    /// <summary>The columns written, in the order of <see cref="Values"/>; the id is the table's own.</summary>
    public const string InsertColumns = "at, actor, via_key, action, target, outcome, address, detail";

    public const string SelectColumns = "id, " + InsertColumns;

    public static object?[] Values(AuditEvent e) => [e.At.ToUnixTimeMilliseconds(), e.Actor, e.ViaKey, e.Action, e.Target, e.Outcome, e.Address, e.Detail];

    public static AuditEvent Read(DbDataReader r) => new(r.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), r.GetString(2),
        DbCommands.Text(r, 3), r.GetString(4), DbCommands.Text(r, 5), r.GetString(6), DbCommands.Text(r, 7), DbCommands.Text(r, 8));
}
