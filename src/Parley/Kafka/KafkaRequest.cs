using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Errors;

namespace Parley.Kafka;

/// <summary>
/// Seed 001's request: the Kafka message value <c>{user_email, message, context, model, max_tokens,
/// temperature, system_prompt, images[]}</c> (the message key is the request id). Only <c>message</c> is required;
/// <c>context</c> is text (earlier conversation, given to the model with the system prompt) or a list of
/// <c>{role, content}</c> messages (also accepted inside <c>{"messages": [...]}</c>, seed 002's shape).
/// </summary>
public sealed record KafkaRequest(
    string Message,
    string? UserEmail = null,
    string? ContextText = null,
    IReadOnlyList<ChatMessage>? ContextMessages = null,
    string? Model = null,
    int? MaxTokens = null,
    double? Temperature = null,
    string? SystemPrompt = null,
    IReadOnlyList<string>? Images = null,
    int Priority = 0)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>Reads a message value; throws <see cref="ParleyException"/> (<c>invalid_json</c>, <c>invalid_request</c>, <c>empty_message</c>).</summary>
    public static KafkaRequest Parse(ReadOnlyMemory<byte> value, int maxMessageChars)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value, DocumentOptions);
        }
        catch (JsonException)
        {
            throw new ParleyException(ErrorCodes.InvalidJson, 400, "The request is not valid JSON; send a JSON object such as {\"message\": \"Hello\"}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Invalid($"The request must be a JSON object, not {Describe(root.ValueKind)}.");

            var message = OptionalString(root, "message")
                ?? throw new ParleyException(ErrorCodes.EmptyMessage, 400, "The request has no \"message\"; send the user's text in \"message\".");
            if (string.IsNullOrWhiteSpace(message))
                throw new ParleyException(ErrorCodes.EmptyMessage, 400, "The \"message\" is empty; send the user's text.");
            if (message.Length > maxMessageChars)
                throw Invalid($"The \"message\" has {message.Length} characters; the limit is {maxMessageChars}.");

            var (contextText, contextMessages) = ReadContext(root);
            return new KafkaRequest(
                message,
                OptionalString(root, "user_email"),
                contextText,
                contextMessages,
                OptionalString(root, "model"),
                OptionalMaxTokens(root),
                OptionalTemperature(root),
                OptionalString(root, "system_prompt"),
                OptionalImages(root),
                OptionalPriority(root));
        }
    }

    private static (string? Text, IReadOnlyList<ChatMessage>? Messages) ReadContext(JsonElement root)
    {
        if (!root.TryGetProperty("context", out var context))
            return (null, null);
        return context.ValueKind switch
        {
            JsonValueKind.Null => (null, null),
            JsonValueKind.String => (context.GetString() is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text : null, null),
            JsonValueKind.Array => (null, ReadMessages(context)),
            JsonValueKind.Object when context.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array =>
                (null, ReadMessages(messages)),
            _ => throw Invalid($"\"context\" must be text or a list of {{\"role\", \"content\"}} messages, not {Describe(context.ValueKind)}."),
        };
    }

    private static List<ChatMessage> ReadMessages(JsonElement array)
    {
        var messages = new List<ChatMessage>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw Invalid("Each \"context\" message must be {\"role\": \"user\"|\"assistant\"|\"system\", \"content\": \"text\"}.");
            var chatRole = role.GetString() switch
            {
                "user" => ChatRole.User,
                "assistant" => ChatRole.Assistant,
                "system" => ChatRole.System,
                var other => throw Invalid($"A \"context\" message has role '{other}'; use user, assistant or system."),
            };
            messages.Add(new ChatMessage(chatRole, content.GetString()));
        }
        return messages;
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Invalid($"\"{name}\" must be a string, not {Describe(value.ValueKind)}.");
    }

    private static int? OptionalMaxTokens(JsonElement root)
    {
        if (!root.TryGetProperty("max_tokens", out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var tokens))
            throw Invalid($"\"max_tokens\" must be a whole number, not {Describe(value)}.");
        return tokens >= 1 ? tokens : throw Invalid($"\"max_tokens\" must be at least 1, not {tokens}.");
    }

    private static int OptionalPriority(JsonElement root)
    {
        if (!root.TryGetProperty("priority", out var value) || value.ValueKind == JsonValueKind.Null)
            return 0;
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var priority)
            ? priority
            : throw Invalid($"\"priority\" must be a whole number (higher is answered first), not {Describe(value)}.");
    }

    /// <summary>
    /// The top-level <c>priority</c> of a raw request for ordering a batch, without validating the rest: 0 when absent,
    /// unreadable or not a whole number (the full parse reports those).
    /// </summary>
    public static int PeekPriority(ReadOnlySpan<byte> value)
    {
        try
        {
            var reader = new Utf8JsonReader(value, new JsonReaderOptions { MaxDepth = 32 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPriority = reader.ValueTextEquals("priority"u8);
                if (!reader.Read())
                    return 0;
                if (isPriority)
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var priority) ? priority : 0;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return 0;
    }

    private static double? OptionalTemperature(JsonElement root)
    {
        if (!root.TryGetProperty("temperature", out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Number)
            throw Invalid($"\"temperature\" must be a number, not {Describe(value.ValueKind)}.");
        var temperature = value.GetDouble();
        return temperature is >= 0 and <= 2 ? temperature : throw Invalid($"\"temperature\" must be between 0 and 2, not {value.GetRawText()}.");
    }

    private static List<string>? OptionalImages(JsonElement root)
    {
        if (!root.TryGetProperty("images", out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.Array)
            throw Invalid($"\"images\" must be a list of base64 strings, not {Describe(value.ValueKind)}.");
        var images = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
            images.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Invalid("Each entry of \"images\" must be a base64 string or a data URL."));
        return images;
    }

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);

    private static string Describe(JsonElement value) => value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Describe(value.ValueKind);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        _ => "null",
    };
}
