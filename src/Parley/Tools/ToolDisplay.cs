using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tools;

/// <summary>What a surface shows for a tool call: seed 002's <c>tool_start</c> fields.</summary>
/// <param name="Name">The tool's name as the model called it.</param>
/// <param name="Description">The tool's own description.</param>
/// <param name="Action">What is happening, e.g. <c>Searching the web for "x"</c>.</param>
public sealed record ToolCallDisplay(string Name, string Description, string Action);

/// <summary>Builds <see cref="ToolCallDisplay"/>s (seed 002's <c>tool_start</c> <c>description</c> and <c>action</c>).</summary>
public static class ToolDisplay
{
    private const int MaxValueChars = 200;

    /// <param name="call">The call the model made.</param>
    /// <param name="tools">The request's tools (<see cref="ChatOptions.Tools"/>), to find the description.</param>
    public static ToolCallDisplay Describe(FunctionCallContent call, IEnumerable<AITool>? tools)
    {
        ArgumentNullException.ThrowIfNull(call);
        var description = tools?.FirstOrDefault(t => t.Name == call.Name)?.Description ?? "";
        return new ToolCallDisplay(call.Name, description, GetAction(call));
    }

    public static string GetAction(FunctionCallContent call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Name switch
        {
            WebSearchTool.ToolName => Argument(call, "query") is { } query ? $"Searching the web for \"{query}\"" : "Searching the web",
            WebPageReader.ToolName => Argument(call, "url") is { } url ? $"Reading {url}" : "Reading a web page",
            CurrentTime.ToolName => Argument(call, "timezone") is { } zone ? $"Checking the time in {zone}" : "Checking the current time",
            Calculator.ToolName => Argument(call, "expression") is { } expression ? $"Calculating {expression}" : "Calculating",
            _ when call.Name.IndexOf("__", StringComparison.Ordinal) is > 0 and var i && i + 2 < call.Name.Length =>
                $"Using {call.Name[(i + 2)..]} from {call.Name[..i]}",
            _ => $"Using {call.Name}",
        };
    }

    private static string? Argument(FunctionCallContent call, string name)
    {
        if (call.Arguments is null || !call.Arguments.TryGetValue(name, out var value) || value is null)
            return null;
        var text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            JsonElement e => e.GetRawText(),
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        };
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= MaxValueChars ? text : string.Concat(text.AsSpan(0, MaxValueChars), "...");
    }
}
