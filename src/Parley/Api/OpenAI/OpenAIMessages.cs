using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Conversations;
using Parley.Errors;

namespace Parley.Api.OpenAI;

/// <summary>
/// OpenAI's chat message JSON ⇄ Microsoft.Extensions.AI messages. Used by <c>/v1</c> and by the
/// stateless API's context (seed 002 keeps OpenAI-shaped messages on the client).
/// </summary>
public static class OpenAIMessages
{
    /// <summary>
    /// <paramref name="allowFiles"/>: accept <c>file</c> parts (as <see cref="Documents.PendingFileContent"/>, which the caller must read).
    /// <paramref name="keepUnknownParts"/>: keep content parts of other types for a relay (see <see cref="Untranslated"/>) instead of refusing them.
    /// </summary>
    /// <param name="maxImagesPerMessage">Images one message may carry (<c>Parley:MaxImagesPerMessage</c>).</param>
    public static List<ChatMessage> Read(JsonElement messages, int maxImageBytes, bool allowFiles = false, int maxImagesPerMessage = int.MaxValue, bool keepUnknownParts = false)
    {
        if (messages.ValueKind != JsonValueKind.Array)
            throw Invalid("'messages' must be an array of chat messages.");
        var result = new List<ChatMessage>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            result.Add(ReadMessage(message, index, maxImageBytes, allowFiles, maxImagesPerMessage, keepUnknownParts));
            index++;
        }
        return result;
    }

    public static void Write(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteStartObject();
        w.WriteString("role", message.Role.Value);
        if (message.Role == ChatRole.Tool && message.Contents.OfType<FunctionResultContent>().FirstOrDefault() is { } result)
        {
            w.WriteString("tool_call_id", result.CallId);
            w.WriteString("content", Parley.Tools.ToolContent.ResultText(result));
            w.WriteEndObject();
            return;
        }

        var images = message.Contents.Where(c => c is DataContent or UriContent).ToList();
        if (images.Count == 0)
        {
            w.WriteString("content", message.Text);
        }
        else
        {
            w.WriteStartArray("content");
            if (message.Text.Length > 0)
            {
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", message.Text);
                w.WriteEndObject();
            }
            foreach (var image in images)
            {
                w.WriteStartObject();
                w.WriteString("type", "image_url");
                w.WriteStartObject("image_url");
                w.WriteString("url", image is DataContent data ? data.Uri : ((UriContent)image).Uri.ToString());
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }

        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in calls)
                WriteToolCall(w, call, index: null);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>One <c>tool_calls</c> entry; <paramref name="index"/> is set in streamed deltas.</summary>
    public static void WriteToolCall(Utf8JsonWriter w, FunctionCallContent call, int? index) =>
        WriteToolCall(w, call.CallId, call.Name, Parley.Tools.ToolContent.ArgumentsJson(call.Arguments), index);

    public static void WriteToolCall(Utf8JsonWriter w, string callId, string name, string arguments, int? index)
    {
        w.WriteStartObject();
        if (index is { } i)
            w.WriteNumber("index", i);
        w.WriteString("id", callId);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", name);
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static ChatMessage ReadMessage(JsonElement message, int index, int maxImageBytes, bool allowFiles, int maxImages, bool keepUnknownParts)
    {
        if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
            throw Invalid($"messages[{index}] needs a 'role'.");
        var role = roleElement.GetString();
        message.TryGetProperty("content", out var content);
        return role switch
        {
            "system" or "developer" => new ChatMessage(ChatRole.System, Text(content, index)),
            "user" => new ChatMessage(ChatRole.User, Contents(content, index, maxImageBytes, allowFiles, maxImages, keepUnknownParts)),
            "assistant" => Assistant(message, content, index),
            "tool" => new ChatMessage(ChatRole.Tool,
                [new FunctionResultContent(StringProperty(message, "tool_call_id") ?? throw Invalid($"messages[{index}] (tool) needs 'tool_call_id'."), Text(content, index))]),
            _ => throw Invalid($"messages[{index}] has an unknown role '{role}'. Use system, user, assistant or tool."),
        };
    }

    private static ChatMessage Assistant(JsonElement message, JsonElement content, int index)
    {
        var contents = new List<AIContent>();
        var text = Text(content, index);
        if (text.Length > 0)
            contents.Add(new TextContent(text));
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object)
                    throw Invalid($"messages[{index}].tool_calls must hold objects with 'id' and 'function'.");
                var function = call.TryGetProperty("function", out var f) ? f : default;
                var arguments = function.ValueKind == JsonValueKind.Object ? StringProperty(function, "arguments") ?? "{}" : "{}";
                contents.Add(new FunctionCallContent(
                    StringProperty(call, "id") ?? throw Invalid($"messages[{index}].tool_calls needs 'id'."),
                    function.ValueKind == JsonValueKind.Object ? StringProperty(function, "name") ?? "" : "",
                    ParseArguments(arguments)));
            }
        }
        return new ChatMessage(ChatRole.Assistant, contents);
    }

    private static List<AIContent> Contents(JsonElement content, int index, int maxImageBytes, bool allowFiles, int maxImages, bool keepUnknownParts)
    {
        if (content.ValueKind != JsonValueKind.Array)
            return [new TextContent(Text(content, index))];
        // Counted before any image is decoded, so thousands of images cost nothing.
        var imageCount = content.EnumerateArray().Count(p => StringProperty(p, "type") == "image_url");
        if (imageCount > maxImages)
            throw new ParleyException(ErrorCodes.InvalidImage, 400, $"messages[{index}] has {imageCount} images; at most {maxImages} are allowed on one message.");
        var parts = new List<AIContent>();
        var partIndex = -1;
        foreach (var part in content.EnumerateArray())
        {
            partIndex++;
            var type = StringProperty(part, "type");
            if (type == "text")
            {
                parts.Add(new TextContent(StringProperty(part, "text") ?? ""));
            }
            else if (type == "image_url")
            {
                var url = part.TryGetProperty("image_url", out var image)
                    ? image.ValueKind == JsonValueKind.String ? image.GetString() : StringProperty(image, "url")
                    : null;
                var picture = Image(url ?? throw Invalid($"messages[{index}] has an image_url part without a url."), maxImageBytes);
                if (image.ValueKind == JsonValueKind.Object && StringProperty(image, "detail") is { } detail and not "auto")
                    SetDetail(picture, detail, $"messages[{index}].content[{partIndex}].image_url.detail");
                parts.Add(picture);
            }
            else if (type == "file" && allowFiles)
            {
                parts.Add(File(part, index));
            }
            else if (!keepUnknownParts)
            {
                throw Invalid($"messages[{index}] has an unsupported content part type '{type}'.");
            }
            else
            {
                // Relayed as sent to an OpenAI-compatible upstream; a translation refuses it (see Untranslated).
                parts.Add(new AIContent { RawRepresentation = new UntranslatedPart($"messages[{index}] content part type '{type}'") });
            }
        }
        return parts;
    }

    /// <summary>What <see cref="Read"/> kept only for a relay: content parts no translation carries.</summary>
    public static IEnumerable<string> Untranslated(IEnumerable<ChatMessage> messages) =>
        messages.SelectMany(m => m.Contents).Select(c => c.RawRepresentation).OfType<UntranslatedPart>().Select(p => p.Where);

    /// <summary>The content key of an image's <c>detail</c> (low/high), which only an OpenAI-compatible provider honours.</summary>
    public const string DetailKey = "detail";

    private const string DetailPathKey = "parley.detail_path";

    /// <summary>Marks an image with the client's <c>detail</c>, and where it was asked for (see <see cref="ImageDetails"/>).</summary>
    public static void SetDetail(AIContent image, string detail, string where)
    {
        ArgumentNullException.ThrowIfNull(image);
        image.AdditionalProperties ??= [];
        image.AdditionalProperties[DetailKey] = detail;
        image.AdditionalProperties[DetailPathKey] = where;
    }

    /// <summary>Where the messages ask for an image <c>detail</c>: a translation to a provider without it must refuse or drop them.</summary>
    public static IEnumerable<string> ImageDetails(IEnumerable<ChatMessage> messages) =>
        messages.SelectMany(m => m.Contents)
            .Select(c => c.AdditionalProperties?.GetValueOrDefault(DetailPathKey) as string)
            .OfType<string>();

    public static AIContent Image(string url, int maxImageBytes)
    {
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
                throw new ParleyException(ErrorCodes.InvalidImage, 400, $"The image URL '{(url.Length > 100 ? url[..100] + "…" : url)}' is not a valid http(s) URL.");
            return new UriContent(uri, "image/*");
        }
        var (data, mediaType) = ImageInput.Decode(url, maxImageBytes);
        return new DataContent(data, mediaType);
    }

    /// <summary>OpenAI's <c>{"type":"file","file":{"filename":...,"file_data":"data:...;base64,..."}}</c>; uploaded <c>file_id</c>s do not exist here.</summary>
    private static Documents.PendingFileContent File(JsonElement part, int index) =>
        ReadFile(part.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.Object
            ? f
            : throw Invalid($"messages[{index}] has a file part without a 'file' object."), $"messages[{index}]");

    /// <summary>A <c>{"filename", "file_data"}</c> object; <paramref name="where"/> names it in errors.</summary>
    public static Documents.PendingFileContent ReadFile(JsonElement file, string where)
    {
        if (file.ValueKind != JsonValueKind.Object)
            throw Invalid($"{where} must be an object with 'filename' and 'file_data'.");
        if (StringProperty(file, "file_id") is not null && StringProperty(file, "file_data") is null)
            throw Invalid($"{where}: file_id is not supported (Parley has no Files API); send the document inline as 'file_data' (data:<type>;base64,...) with a 'filename'.");
        var data = StringProperty(file, "file_data") ?? throw Invalid($"{where} has no 'file_data'.");
        var comma = data.IndexOf(',', StringComparison.Ordinal);
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            if (comma < 0 || !data[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw Invalid($"{where}: 'file_data' must be a base64 data URL such as data:application/pdf;base64,....");
            data = data[(comma + 1)..];
        }
        try
        {
            return new Documents.PendingFileContent(StringProperty(file, "filename") ?? "document.txt", Convert.FromBase64String(data));
        }
        catch (FormatException)
        {
            throw Invalid($"{where}: 'file_data' is not valid base64.");
        }
    }

    private static string Text(JsonElement content, int index) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Where(p => StringProperty(p, "type") == "text").Select(p => StringProperty(p, "text"))),
        _ => throw Invalid($"messages[{index}].content must be a string or an array of parts."),
    };

    private static Dictionary<string, object?> ParseArguments(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    internal static string? StringProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static ParleyException Invalid(string message) => new(ErrorCodes.InvalidRequest, 400, message);

    private sealed record UntranslatedPart(string Where);
}
