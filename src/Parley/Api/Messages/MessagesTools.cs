using System.Text.Json;
using Microsoft.Extensions.AI;
using static Parley.Api.WireJson;

namespace Parley.Api.Messages;

/// <summary>Anthropic's client tools (<c>{name, description, input_schema}</c>) and <c>tool_choice</c>, as declarations the caller runs.</summary>
internal static class MessagesTools
{
    public static List<AITool> Read(JsonElement body, List<string> openAIOnly)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
            return [];
        if (tools.ValueKind != JsonValueKind.Array)
            throw Invalid("tools", "must be an array");
        var result = new List<AITool>();
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var where = $"tools[{i++}]";
            RequireObject(tool, where);
            if (String(tool, "type", where) is { } type && type != "custom")
                throw Invalid(Path(where, "type"), $"'{type}' is an Anthropic server tool, which Parley does not run; declare client tools with name, description and input_schema");
            result.Add(FunctionTools.Read(tool, where, FunctionTools.Shape.Messages, openAIOnly));
        }
        return result;
    }

    public static void ApplyChoice(JsonElement body, ChatOptions options)
    {
        if (!body.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
            return;
        RequireObject(choice, "tool_choice");
        options.ToolMode = String(choice, "type", "tool_choice") switch
        {
            "auto" => ChatToolMode.Auto,
            "any" => ChatToolMode.RequireAny,
            "none" => ChatToolMode.None,
            "tool" => ChatToolMode.RequireSpecific(RequireString(choice, "name", "tool_choice")),
            var other => throw Invalid("tool_choice.type", $"must be auto, any, tool or none, not '{other}'"),
        };
        if (Bool(choice, "disable_parallel_tool_use", "tool_choice") is true)
            options.AllowMultipleToolCalls = false;
    }
}
