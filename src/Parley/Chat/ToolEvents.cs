using Microsoft.Extensions.AI;
using Parley.Streaming;
using Parley.Tools;

namespace Parley.Chat;

/// <summary>Turns tool calls and results from the pipeline into Parley's tool events.</summary>
internal static class ToolEvents
{
    public static ToolCallCompleted Completed(FunctionResultContent result, IReadOnlyDictionary<string, string> callNames)
    {
        var text = ToolContent.ResultText(result.Result);
        var name = callNames.GetValueOrDefault(result.CallId);
        var isError = result.Exception is not null || text.StartsWith("Error:", StringComparison.Ordinal);
        return new ToolCallCompleted(result.CallId, name ?? "", text, isError);
    }
}
