using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Parley.Errors;

namespace Parley.Api.OpenAI;

/// <summary>A JSON request body read once as bytes: parsed for validation, and kept as sent for a relay.</summary>
internal static class RequestBodies
{
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= 16 * 1024 * 1024)
        {
            var exact = new byte[length];
            var total = 0;
            int read;
            while (total < exact.Length && (read = await request.Body.ReadAsync(exact.AsMemory(total), cancellationToken)) > 0)
                total += read;
            return exact.AsMemory(0, total);
        }
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"The body is not valid JSON ({ex.Message}).");
        }
    }
}
