using System.Globalization;
using System.Text.Json;
using Parley.Conversations;

namespace Parley.Kafka;

/// <summary>
/// Seed 001's response value (the Kafka message key is the request's key):
/// <c>{response, model, usage{prompt_tokens, completion_tokens, total_tokens}, finish_reason, timestamp, processing_time}</c>;
/// a request that could not be answered gets <c>{error{code, message}, model, timestamp, processing_time}</c>.
/// <c>timestamp</c> is UTC ISO 8601 to the second; <c>processing_time</c> is seconds.
/// </summary>
public static class KafkaResponse
{
    public static byte[] Answer(string text, string model, TokenUsage usage, string finishReason, DateTimeOffset timestamp, TimeSpan processingTime) =>
        Write(writer =>
        {
            writer.WriteString("response", text);
            writer.WriteString("model", model);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", usage.PromptTokens);
            writer.WriteNumber("completion_tokens", usage.CompletionTokens);
            writer.WriteNumber("total_tokens", usage.TotalTokens);
            writer.WriteEndObject();
            writer.WriteString("finish_reason", finishReason);
            WriteTiming(writer, timestamp, processingTime);
        });

    public static byte[] Error(string code, string message, string? model, DateTimeOffset timestamp, TimeSpan processingTime) =>
        Write(writer =>
        {
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            if (model is null)
                writer.WriteNull("model");
            else
                writer.WriteString("model", model);
            WriteTiming(writer, timestamp, processingTime);
        });

    private static void WriteTiming(Utf8JsonWriter writer, DateTimeOffset timestamp, TimeSpan processingTime)
    {
        writer.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteNumber("processing_time", Math.Round(processingTime.TotalSeconds, 3));
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
