using System.Data.Common;

namespace Parley.Storage;

/// <summary>How the SQL stores write and read times (Unix milliseconds) and nullable text.</summary>
internal static class SqlValues
{
    public static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset? Time(DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));

    public static string? Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    public static T? FirstOrNull<T>(this IReadOnlyList<T> rows) where T : class => rows.Count > 0 ? rows[0] : null;
}
