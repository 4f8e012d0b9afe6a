using System.Net.Http;

namespace Parley.Tools;

/// <summary>Reads a response body of unknown size into memory, never more than a limit.</summary>
public static class BoundedContent
{
    /// <summary>Up to <paramref name="limit"/> bytes of <paramref name="content"/>, and whether the body went on beyond them.</summary>
    public static async Task<(byte[] Buffer, int Length, bool Truncated)> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var buffer = new byte[content.Headers.ContentLength is long length and > 0 ? (int)Math.Min(length, limit) : Math.Min(64 * 1024, limit)];
        var total = 0;
        var truncated = false;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total >= limit)
                {
                    // One more byte tells a body of exactly the limit from a longer one.
                    truncated = await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) > 0;
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, 4096), limit));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(total, buffer.Length - total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            total += read;
        }

        return (buffer, total, truncated);
    }
}
