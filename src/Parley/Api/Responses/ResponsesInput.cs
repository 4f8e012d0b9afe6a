using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.Api.OpenAI;
using static Parley.Api.WireJson;

namespace Parley.Api.Responses;

/// <summary>
/// The Responses API's <c>input</c> (a string, or message, <c>function_call</c> and <c>function_call_output</c> items with
/// <c>input_text</c>/<c>input_image</c>/<c>input_file</c> parts) as Microsoft.Extensions.AI messages, plus the items as
/// <c>GET /v1/responses/{id}/input_items</c> lists them (each with an id).
/// </summary>
internal static class ResponsesInput
{
    /// <param name="callIds">Tool calls a <c>function_call_output</c> may answer: those of the previous response; grows with this input's calls.</param>
    public static (List<ChatMessage> Messages, JsonArray Items) Read(JsonElement input, HashSet<string> callIds, int maxImageBytes)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            var text = input.GetString() ?? "";
            return ([new ChatMessage(ChatRole.User, text)], [MessageItem("user", new JsonArray(Part("input_text", text)))]);
        }

        var messages = new List<ChatMessage>();
        var items = new JsonArray();
        var i = 0;
        foreach (var item in input.EnumerateArray())
        {
            var where = $"input[{i++}]";
            RequireObject(item, where);
            var type = String(item, "type", where) ?? (item.TryGetProperty("role", out _) ? "message" : null);
            switch (type)
            {
                case "message":
                    var (message, parts) = Message(item, where, maxImageBytes);
                    messages.Add(message);
                    items.Add(MessageItem(message.Role == ChatRole.Assistant ? "assistant" : RequireString(item, "role", where), parts, String(item, "id", where)));
                    break;
                case "function_call":
                    var callId = RequireString(item, "call_id", where);
                    var name = RequireString(item, "name", where);
                    var arguments = RequireString(item, "arguments", where);
                    callIds.Add(callId);
                    var call = Parley.Tools.ToolContent.ParseCall(callId, name, arguments);
                    if (messages.Count > 0 && messages[^1].Role == ChatRole.Assistant)
                        messages[^1].Contents.Add(call);
                    else
                        messages.Add(new ChatMessage(ChatRole.Assistant, [call]));
                    items.Add(new JsonObject
                    {
                        ["type"] = "function_call", ["id"] = String(item, "id", where) ?? NewId("fc"), ["call_id"] = callId, ["name"] = name,
                        ["arguments"] = arguments, ["status"] = "completed",
                    });
                    break;
                case "function_call_output":
                    var answered = RequireString(item, "call_id", where);
                    if (!callIds.Contains(answered))
                        throw Invalid(Path(where, "call_id"), $"'{answered}' does not answer any function_call in this input or the previous response");
                    var output = Output(item, where);
                    var result = new FunctionResultContent(answered, output);
                    if (messages.Count > 0 && messages[^1].Role == ChatRole.Tool)
                        messages[^1].Contents.Add(result);
                    else
                        messages.Add(new ChatMessage(ChatRole.Tool, [result]));
                    items.Add(new JsonObject
                    {
                        ["type"] = "function_call_output", ["id"] = String(item, "id", where) ?? NewId("fco"), ["call_id"] = answered,
                        ["output"] = output, ["status"] = "completed",
                    });
                    break;
                case "reasoning":
                    // Reasoning a previous OpenAI response returned (often encrypted): only that provider could read it again.
                    break;
                default:
                    throw Invalid(Path(where, "type"), $"'{type}' is not an input item Parley accepts (message, function_call, function_call_output)");
            }
        }
        return messages.Count > 0 ? (messages, items) : throw Invalid("input", "must contain at least one message or function_call_output");
    }

    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";

    public static JsonObject Part(string type, string text) =>
        type == "output_text"
            ? new JsonObject { ["type"] = type, ["text"] = text, ["annotations"] = new JsonArray() }
            : new JsonObject { ["type"] = type, ["text"] = text };

    private static JsonObject MessageItem(string role, JsonArray content, string? id = null) => new()
    {
        ["type"] = "message", ["id"] = id ?? NewId("msg"), ["role"] = role, ["status"] = "completed", ["content"] = content,
    };

    private static (ChatMessage Message, JsonArray Parts) Message(JsonElement item, string where, int maxImageBytes)
    {
        var role = RequireString(item, "role", where) switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "system" or "developer" => ChatRole.System,
            var other => throw Invalid(Path(where, "role"), $"must be user, assistant, system or developer, not '{other}'"),
        };
        if (!item.TryGetProperty("content", out var content))
            throw Invalid(Path(where, "content"), "is required");
        if (content.ValueKind == JsonValueKind.String)
        {
            var text = content.GetString() ?? "";
            return (new ChatMessage(role, text), new JsonArray(Part(role == ChatRole.Assistant ? "output_text" : "input_text", text)));
        }
        if (content.ValueKind != JsonValueKind.Array)
            throw Invalid(Path(where, "content"), "must be a string or an array of content parts");

        var contents = new List<AIContent>();
        var parts = new JsonArray();
        var j = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partWhere = $"{where}.content[{j++}]";
            RequireObject(part, partWhere);
            var type = RequireString(part, "type", partWhere);
            switch (type)
            {
                case "input_text" or "output_text" or "text":
                    var text = RequireString(part, "text", partWhere);
                    contents.Add(new TextContent(text));
                    parts.Add(Part(type == "output_text" ? "output_text" : "input_text", text));
                    break;
                case "refusal":
                    var refusal = RequireString(part, "refusal", partWhere);
                    contents.Add(new TextContent(refusal));
                    parts.Add(new JsonObject { ["type"] = "refusal", ["refusal"] = refusal });
                    break;
                case "input_image" when role == ChatRole.User:
                    if (String(part, "file_id", partWhere) is not null && String(part, "image_url", partWhere) is null)
                        throw Invalid(Path(partWhere, "file_id"), "is not supported (Parley has no Files API); send image_url as a data URL or an http(s) URL");
                    var url = RequireString(part, "image_url", partWhere);
                    var image = OpenAIMessages.Image(url, maxImageBytes);
                    var detail = String(part, "detail", partWhere) ?? "auto";
                    if (detail != "auto")
                        OpenAIMessages.SetDetail(image, detail, Path(partWhere, "detail"));
                    contents.Add(image);
                    parts.Add(new JsonObject { ["type"] = "input_image", ["image_url"] = url, ["detail"] = detail });
                    break;
                case "input_file" when role == ChatRole.User:
                    if (String(part, "file_url", partWhere) is not null)
                        throw Invalid(Path(partWhere, "file_url"), "is not supported; send the document inline as file_data with a filename");
                    var file = OpenAIMessages.ReadFile(part, partWhere);
                    contents.Add(file);
                    parts.Add(new JsonObject { ["type"] = "input_file", ["filename"] = file.FileName });
                    break;
                default:
                    throw Invalid(Path(partWhere, "type"), $"'{type}' is not a content part Parley accepts in a {RequireString(item, "role", where)} message");
            }
        }
        return (new ChatMessage(role, contents), parts);
    }

    private static string Output(JsonElement item, string where)
    {
        if (!item.TryGetProperty("output", out var output))
            throw Invalid(Path(where, "output"), "is required");
        if (output.ValueKind == JsonValueKind.String)
            return output.GetString() ?? "";
        if (output.ValueKind != JsonValueKind.Array)
            throw Invalid(Path(where, "output"), "must be a string or an array of input_text parts");
        var texts = new List<string>();
        var k = 0;
        foreach (var part in output.EnumerateArray())
        {
            var partWhere = $"{where}.output[{k++}]";
            if (String(RequireObject(part, partWhere), "type", partWhere) != "input_text")
                throw Invalid(Path(partWhere, "type"), "must be 'input_text' (Parley's providers take text tool results)");
            texts.Add(RequireString(part, "text", partWhere));
        }
        return string.Join("\n", texts);
    }
}
