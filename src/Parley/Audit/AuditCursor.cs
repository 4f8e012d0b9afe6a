using System.Globalization;

namespace Parley.Audit;

/// <summary>Pages go newest first by id; the cursor is the last id seen.</summary>
internal static class AuditCursor
{
    public static long? Decode(string? cursor) =>
        string.IsNullOrEmpty(cursor) ? null
        : long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id
        : throw new Errors.ParleyException(Errors.ErrorCodes.InvalidRequest, 400, "cursor is not one this API returned.");

    public static string Encode(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static int Limit(int limit) => Math.Clamp(limit, 1, 500);

    /// <summary>A page from up to <paramref name="limit"/> + 1 rows fetched newest first: the extra row only says there is more.</summary>
    public static AuditPage Page(IReadOnlyList<AuditEvent> fetched, int limit)
    {
        var items = fetched.Take(limit).ToList();
        return new AuditPage(items, fetched.Count > limit ? Encode(items[^1].Id) : null);
    }
}
