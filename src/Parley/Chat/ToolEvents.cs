using Microsoft.Extensions.AI;
using Parley.Streaming;
using Parley.Tools;

namespace Parley.Chat;

/// <summary>Turns tool calls and results from the pipeline into Parley's tool events.</summary>
internal static class ToolEvents
{
    public static ToolCallCompleted Completed(FunctionResultContent result, IReadOnlyDictionary<string, string> callNames)
    {
        var name = callNames.GetValueOrDefault(result.CallId);
        return new ToolCallCompleted(result.CallId, name ?? "", ToolContent.ResultText(result), ToolContent.IsError(result));
    }
}
