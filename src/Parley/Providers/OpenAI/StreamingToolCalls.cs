using System.Text;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace Parley.Providers.OpenAI;

/// <summary>The tool-call deltas of one streamed reply, gathered by index until the reply finishes.</summary>
internal sealed class StreamingToolCalls
{
    private readonly SortedDictionary<int, Builder> _calls = [];

    public bool IsEmpty => _calls.Count == 0;

    public void Add(OpenAIChat.StreamingChatToolCallUpdate delta)
    {
        if (!_calls.TryGetValue(delta.Index, out var builder))
            _calls[delta.Index] = builder = new Builder();
        builder.Append(delta);
    }

    /// <summary>The complete calls so far, as <see cref="FunctionCallContent"/>s; the collection is emptied.</summary>
    public List<AIContent> Drain()
    {
        var calls = _calls.Values.Select(b => (AIContent)OpenAIChatClient.FromToolCall(b.CallId, b.Name, b.Arguments.ToString())).ToList();
        _calls.Clear();
        return calls;
    }

    private sealed class Builder
    {
        public string? CallId { get; private set; }

        public string? Name { get; private set; }

        public StringBuilder Arguments { get; } = new();

        public void Append(OpenAIChat.StreamingChatToolCallUpdate delta)
        {
            CallId ??= delta.ToolCallId;
            Name ??= delta.FunctionName;
            if (delta.FunctionArgumentsUpdate is { } fragment)
                Arguments.Append(fragment.ToString());
        }
    }
}
