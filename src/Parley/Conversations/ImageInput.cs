using Parley.Errors;

namespace Parley.Conversations;

/// <summary>
/// Reads an image a client sent: a <c>data:</c> URL or bare base64 (seed 001 sends those), checks
/// that the bytes really are PNG, JPEG, WEBP or GIF and fit the size limit. http(s) URLs are refused here with a
/// sentence saying so (the stateless surfaces turn them into <c>UriContent</c> before calling this).
/// </summary>
public static class ImageInput
{
    public static readonly IReadOnlyList<string> AllowedTypes = ["image/png", "image/jpeg", "image/webp", "image/gif"];

    public static (byte[] Data, string MediaType) Decode(string input, int maxBytes)
    {
        var text = input.Trim();
        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            throw Invalid("Image URLs cannot be stored with a conversation: send the image itself as a data URL (data:image/png;base64,...) "
                + "or bare base64. /api/chat and /v1/chat/completions accept http(s) image URLs.");
        string? declared = null;
        if (text.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            var header = comma > 0 ? text[5..comma] : "";
            if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw Invalid("An image must be a base64 data URL such as data:image/png;base64,....");
            declared = header[..^7].ToLowerInvariant();
            text = text[(comma + 1)..];
        }

        if (text.Length > (long)maxBytes * 4 / 3 + 8)
            throw TooLarge(maxBytes);
        byte[] data;
        try
        {
            data = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Invalid("An image is not valid base64.");
        }
        if (data.Length > maxBytes)
            throw TooLarge(maxBytes);

        var sniffed = Sniff(data) ?? throw Invalid("An image is not a PNG, JPEG, WEBP or GIF file.");
        if (declared is not null && declared != sniffed && !(declared == "image/jpg" && sniffed == "image/jpeg"))
            throw Invalid($"An image says it is {declared} but its bytes are {sniffed}.");
        return (data, sniffed);
    }

    public static string? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidImage, 400, message);

    private static ParleyException TooLarge(int maxBytes) =>
        new(ErrorCodes.InvalidImage, 413, $"An image is larger than the {maxBytes / 1024 / 1024.0:0.#} MB limit.");
}
