using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tools;

/// <summary>
/// The one mapping of tool calls and results to text inside the engine: arguments as a JSON object, results as the
/// text the model (and the tool card) sees. Events, context fitting, summaries and token counts all use it.
/// </summary>
public static class ToolContent
{
    // AIJsonUtilities.DefaultOptions indents; arguments and results travel on one line, as providers send them.
    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>A call's arguments as a JSON object (<c>{}</c> when it has none).</summary>
    public static string ArgumentsJson(IDictionary<string, object?>? arguments) =>
        arguments is null ? "{}" : JsonSerializer.Serialize(arguments, Compact);

    /// <summary>A result as text: strings as they are, text contents joined, anything else as compact JSON.</summary>
    public static string ResultText(object? result) => result switch
    {
        null => "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        TextContent text => text.Text,
        IEnumerable<AIContent> contents when contents.All(c => c is TextContent) => string.Join("\n", contents.Cast<TextContent>().Select(t => t.Text)),
        var other => Serialize(other),
    };

    private static string Serialize(object value)
    {
        try
        {
            return JsonSerializer.Serialize(value, value.GetType(), Compact);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return value.ToString() ?? "";
        }
    }
}
