using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Parley.Tests.Tools;

/// <summary>
/// Callback-based test <see cref="IChatClient"/> (after dotnet/extensions' TestChatClient): each call to the model
/// runs the next scripted turn, which sees the messages sent so far. Streaming turns come from the same script,
/// split into updates (text first, then calls, then usage), unless <see cref="StreamingTurns"/> scripts them directly.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>> _turns = new();

    /// <summary>The messages of every call to the model, copied at call time.</summary>
    public List<List<ChatMessage>> Requests { get; } = [];

    /// <summary>Optional per-call override of the streaming path (index = call number).</summary>
    public List<Func<IReadOnlyList<ChatMessage>, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>> StreamingTurns { get; } = [];

    public ScriptedChatClient Then(Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> turn)
    {
        _turns.Enqueue(turn);
        return this;
    }

    public ScriptedChatClient ThenCall(params FunctionCallContent[] calls) =>
        Then((_, _, _) => Task.FromResult(Response(new ChatMessage(ChatRole.Assistant, [.. calls]), 10, 2)));

    public ScriptedChatClient ThenText(string text) =>
        Then((_, _, _) => Task.FromResult(Response(new ChatMessage(ChatRole.Assistant, text), 20, 5)));

    /// <summary>Keeps calling <paramref name="call"/> for ever (a model that never stops).</summary>
    public ScriptedChatClient AlwaysCall(Func<int, FunctionCallContent> call)
    {
        for (var i = 0; i < 200; i++)
        {
            var n = i;
            ThenCall(call(n));
        }

        return this;
    }

    public static FunctionCallContent Call(string name, string id, object? args = null) =>
        new(id, name, args is null ? new Dictionary<string, object?>() : ToDictionary(args));

    public static ChatResponse Response(ChatMessage message, long input, long output) =>
        new(message) { Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output } };

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = Record(messages);
        if (!_turns.TryDequeue(out var turn))
            throw new InvalidOperationException("The script has no more turns.");
        return turn(list, options, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = Requests.Count;
        if (index < StreamingTurns.Count)
        {
            var list = Record(messages);
            await foreach (var update in StreamingTurns[index](list, cancellationToken).WithCancellation(cancellationToken))
                yield return update;
            yield break;
        }

        var recorded = Record(messages);
        if (!_turns.TryDequeue(out var turn))
            throw new InvalidOperationException("The script has no more turns.");
        var response = await turn(recorded, options, cancellationToken);
        var messageId = $"msg_{index}";
        foreach (var message in response.Messages)
        {
            foreach (var content in message.Contents)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
                yield return new ChatResponseUpdate(message.Role, [content]) { MessageId = messageId, ResponseId = $"resp_{index}" };
            }
        }

        if (response.Usage is { } usage)
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(usage)]) { MessageId = messageId, ResponseId = $"resp_{index}" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private List<ChatMessage> Record(IEnumerable<ChatMessage> messages)
    {
        var list = messages.Select(m => m.Clone()).ToList();
        Requests.Add(list);
        return list;
    }

    private static Dictionary<string, object?> ToDictionary(object args) =>
        args as Dictionary<string, object?>
        ?? args.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(args));
}
