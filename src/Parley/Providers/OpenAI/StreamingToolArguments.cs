using System.Text;
using OpenAIChat = OpenAI.Chat;

namespace Parley.Providers.OpenAI;

/// <summary>
/// The argument text of each tool call in one streamed reply, gathered by index. Microsoft.Extensions.AI.OpenAI's adapter
/// drops the text of arguments it cannot parse; this keeps it so such a call can be answered and sent back as written.
/// </summary>
internal sealed class StreamingToolArguments
{
    private readonly Dictionary<int, (string? CallId, StringBuilder Text)> _calls = [];

    public bool IsEmpty => _calls.Count == 0;

    public void Add(OpenAIChat.StreamingChatToolCallUpdate delta)
    {
        if (!_calls.TryGetValue(delta.Index, out var call))
            _calls[delta.Index] = call = (delta.ToolCallId, new StringBuilder());
        else if (call.CallId is null && delta.ToolCallId is not null)
            _calls[delta.Index] = call = (delta.ToolCallId, call.Text);
        if (delta.FunctionArgumentsUpdate is { } fragment)
            call.Text.Append(fragment.ToString());
    }

    /// <summary>The text written for the call with <paramref name="callId"/>; null when no such call streamed.</summary>
    public string? For(string callId)
    {
        foreach (var (id, text) in _calls.Values)
        {
            if (string.Equals(id, callId, StringComparison.Ordinal))
                return text.ToString();
        }

        return null;
    }
}
