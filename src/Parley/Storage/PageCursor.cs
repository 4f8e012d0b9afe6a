using System.Globalization;
using System.Text;

namespace Parley.Storage;

/// <summary>Opaque keyset cursor for "newest first" pages: the last item's UpdatedAt and id.</summary>
public readonly record struct PageCursor(long UpdatedAtMs, string Id)
{
    public string Encode() =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{UpdatedAtMs.ToString(CultureInfo.InvariantCulture)}|{Id}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static PageCursor? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
            return null;
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var bar = text.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && long.TryParse(text.AsSpan(0, bar), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms))
                return new PageCursor(ms, text[(bar + 1)..]);
        }
        catch (FormatException)
        {
        }
        throw new Errors.ParleyException(Errors.ErrorCodes.InvalidRequest, 400, "The page cursor is not valid. Start again from the first page.");
    }

    /// <summary>True when <paramref name="updatedAtMs"/>/<paramref name="id"/> sorts after this cursor (newest first).</summary>
    public bool IsBefore(long updatedAtMs, string id) =>
        updatedAtMs < UpdatedAtMs || (updatedAtMs == UpdatedAtMs && string.CompareOrdinal(id, Id) < 0);
}
