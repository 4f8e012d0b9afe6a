using System.ComponentModel.DataAnnotations;

namespace Parley.Tools;

/// <summary>Limits of <see cref="ParleyFunctionInvokingChatClient"/> (section <c>Parley:Tools:Loop</c>).</summary>
public sealed class ToolLoopOptions
{
    /// <summary>Rounds of tool execution per request; a model still asking for tools after that is stopped.</summary>
    [Range(1, 100)]
    public int MaxRounds { get; set; } = 8;

    /// <summary>Calls run in one round at most; further calls in that round get an error result instead.</summary>
    [Range(1, 128)]
    public int MaxCallsPerRound { get; set; } = 16;

    /// <summary>Time one tool call may take before it is cut off with an error result.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Characters of one tool result fed back to the model; longer results are truncated with a note.</summary>
    [Range(100, 10_000_000)]
    public int MaxResultChars { get; set; } = 20_000;
}
