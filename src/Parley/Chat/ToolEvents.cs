using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Streaming;

namespace Parley.Chat;

/// <summary>Turns tool calls and results from the pipeline into Parley's tool events.</summary>
internal static class ToolEvents
{
    public static ToolCallCompleted Completed(FunctionResultContent result, IReadOnlyDictionary<string, string> callNames)
    {
        var text = result.Result switch
        {
            null => "",
            string s => s,
            JsonElement element => element.ValueKind == JsonValueKind.String ? element.GetString() ?? "" : element.GetRawText(),
            var other => JsonSerializer.Serialize(other),
        };
        var name = callNames.GetValueOrDefault(result.CallId);
        var isError = result.Exception is not null || text.StartsWith("Error:", StringComparison.Ordinal);
        return new ToolCallCompleted(result.CallId, name ?? "", text, isError);
    }

    /// <summary>Seed 002's <c>action</c>: a short "what is happening" line for a call.</summary>
    public static string DescribeAction(FunctionCallContent call)
    {
        var first = call.Arguments?.Values.FirstOrDefault()?.ToString();
        return string.IsNullOrEmpty(first) ? $"Running {call.Name}" : $"Running {call.Name}: {Truncate(first, 80)}";
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
