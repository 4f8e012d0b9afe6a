using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Caching;

/// <summary>
/// The cache key of a call: SHA-256 over a canonical JSON of the model, the messages (roles, text, image bytes'
/// hashes, tool calls and results) and the options that change the output. Null when the call holds content the key
/// cannot describe (it is then not cached).
/// </summary>
public static class ResponseCacheKey
{
    public static string? Compute(string model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("v", "1");
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            foreach (var message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role.Value);
                json.WriteString("name", message.AuthorName);
                json.WriteStartArray("contents");
                foreach (var content in message.Contents)
                {
                    if (!TryWrite(json, content))
                        return null;
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (!TryWriteOptions(json, options))
                return null;
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static bool TryWrite(Utf8JsonWriter json, AIContent content)
    {
        json.WriteStartObject();
        switch (content)
        {
            case TextContent text:
                json.WriteString("text", text.Text);
                break;
            case TextReasoningContent reasoning:
                json.WriteString("reasoning", reasoning.Text);
                break;
            case DataContent data:
                json.WriteString("media", data.MediaType);
                json.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(data.Data.Span)));
                break;
            case UriContent uri:
                json.WriteString("media", uri.MediaType);
                json.WriteString("uri", uri.Uri.ToString());
                break;
            case FunctionCallContent call:
                json.WriteString("call", call.CallId);
                json.WriteString("function", call.Name);
                if (!TryWriteValue(json, "arguments", call.Arguments))
                    return false;
                break;
            case FunctionResultContent result:
                json.WriteString("result", result.CallId);
                if (!TryWriteValue(json, "value", result.Result))
                    return false;
                break;
            case UsageContent:
                json.WriteString("usage", "");
                break;
            default:
                return false;
        }
        json.WriteEndObject();
        return true;
    }

    private static bool TryWriteOptions(Utf8JsonWriter json, ChatOptions? options)
    {
        json.WriteStartObject("options");
        // A relayed call is answered by every byte of the client's body, not only by what Parley parsed from it.
        if (Relay.RelayRequest.Of(options) is { } relay)
            json.WriteString("relay_body_sha256", relay.BodyHash);
        if (options is not null)
        {
            WriteNumber(json, "temperature", options.Temperature);
            WriteNumber(json, "top_p", options.TopP);
            WriteNumber(json, "top_k", options.TopK);
            WriteNumber(json, "max_tokens", options.MaxOutputTokens);
            WriteNumber(json, "frequency_penalty", options.FrequencyPenalty);
            WriteNumber(json, "presence_penalty", options.PresencePenalty);
            if (options.Seed is { } seed)
                json.WriteNumber("seed", seed);
            json.WriteString("instructions", options.Instructions);
            json.WriteStartArray("stop");
            foreach (var stop in options.StopSequences ?? [])
                json.WriteStringValue(stop);
            json.WriteEndArray();
            json.WriteString("tool_mode", options.ToolMode switch
            {
                null => null,
                RequiredChatToolMode { RequiredFunctionName: { } name } => $"required:{name}",
                RequiredChatToolMode => "required",
                NoneChatToolMode => "none",
                _ => "auto",
            });
            json.WriteStartArray("tools");
            foreach (var tool in options.Tools ?? [])
            {
                json.WriteStartObject();
                json.WriteString("kind", tool.GetType().Name);
                json.WriteString("name", tool.Name);
                json.WriteString("description", tool.Description);
                if (tool is AIFunctionDeclaration function)
                {
                    json.WritePropertyName("schema");
                    function.JsonSchema.WriteTo(json);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            switch (options.ResponseFormat)
            {
                case ChatResponseFormatJson format:
                    json.WriteString("format", "json");
                    json.WriteString("format_name", format.SchemaName);
                    if (format.Schema is { } schema)
                    {
                        json.WritePropertyName("format_schema");
                        schema.WriteTo(json);
                    }
                    break;
                case ChatResponseFormatText:
                    json.WriteString("format", "text");
                    break;
            }
        }
        json.WriteEndObject();
        return true;
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
            json.WriteNumber(name, number);
    }

    private static bool TryWriteValue(Utf8JsonWriter json, string name, object? value)
    {
        try
        {
            json.WritePropertyName(name);
            JsonSerializer.Serialize(json, value, AIJsonUtilities.DefaultOptions);
            return true;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return false;
        }
    }
}
