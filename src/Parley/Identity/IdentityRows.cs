using System.Data.Common;
using System.Text.Json;
using Parley.Storage;

namespace Parley.Identity;

/// <summary>How <see cref="SqlIdentityStore"/> reads its rows (columns in this order).</summary>
internal static class IdentityRows
{
    public const string UserColumns = "id, name, password_hash, is_admin, created_at";

    public const string KeyColumns = "id, name, owner, secret_hash, models, requests_per_minute, daily_token_limit, max_concurrent_streams, expires_at, created_at, last_used_at, revoked_at";

    public const string SessionColumns = "token_hash, user_id, created_at, expires_at";

    // is_admin is an INTEGER in SQLite and a BOOLEAN in PostgreSQL.
    public static UserAccount User(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), Convert.ToBoolean(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture), SqlValues.Time(r, 4)!.Value);

    public static ApiKey Key(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [],
        r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetInt32(7),
        SqlValues.Time(r, 8), SqlValues.Time(r, 9)!.Value, SqlValues.Time(r, 10), SqlValues.Time(r, 11));

    public static UserSession Session(DbDataReader r) => new(r.GetString(0), r.GetString(1), SqlValues.Time(r, 2)!.Value, SqlValues.Time(r, 3)!.Value);

    public static string Models(ApiKey key) => JsonSerializer.Serialize(key.Models);
}
