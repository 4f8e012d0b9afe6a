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
}
