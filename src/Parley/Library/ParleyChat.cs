using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Parley.Library;

/// <summary>
/// What a handler sees and says (seed 003's handler API): the conversation so far as
/// Microsoft.Extensions.AI messages, and ways to emit whole messages or streamed deltas that
/// merge by message id, tool calls (shown as cards) and their results.
/// </summary>
public sealed class ParleyChat
{
    private readonly ChannelWriter<ChatResponseUpdate> _updates;
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly string _idPrefix;
    private int _nextId;

    internal ParleyChat(IReadOnlyList<ChatMessage> messages, ChatOptions? options, ChannelWriter<ChatResponseUpdate> updates)
    {
        Messages = messages;
        Options = options;
        _updates = updates;
        _idPrefix = ParleyApp.NewMessageId();
    }

    /// <summary>The conversation so far, system prompt first when there is one.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>The model settings of the request (temperature, max tokens), if any.</summary>
    public ChatOptions? Options { get; }

    /// <summary>Who the message is answered for: the signed-in user or API key's owner, the key and the surface it came through.</summary>
    public Usage.Caller Caller => Chat.ChatOptionsCaller.GetCaller(Options);

    /// <summary>A fresh id for a message that will be streamed in several deltas (the same as <see cref="ParleyApp.NewMessageId"/>).</summary>
    public string NewMessageId() => $"{_idPrefix}_{Interlocked.Increment(ref _nextId)}";

    /// <summary>Emits <paramref name="text"/> as a whole message of its own.</summary>
    public ValueTask UpdateAsync(string text, CancellationToken cancellationToken = default) =>
        EmitAsync(NewMessageId(), [new TextContent(text)], cancellationToken);

    /// <summary>
    /// Appends a piece of text to message <paramref name="messageId"/>: deltas with the same id make one message, deltas with
    /// different ids different messages, even when they interleave. Without an id the text is a message of its own.
    /// </summary>
    public ValueTask UpdateAsync(string delta, string? messageId, CancellationToken cancellationToken = default) =>
        EmitAsync(messageId ?? NewMessageId(), [new TextContent(delta)], cancellationToken);

    /// <summary>Emits a whole message; tool calls in it are shown as cards and not run by Parley.</summary>
    public ValueTask UpdateAsync(ChatMessage message, CancellationToken cancellationToken = default) =>
        EmitAsync(message.MessageId ?? NewMessageId(), [.. message.Contents.Select(Informational)], cancellationToken);

    /// <summary>Emits an update streamed from any <see cref="IChatClient"/>, e.g. one of Parley's providers.</summary>
    public ValueTask UpdateAsync(ChatResponseUpdate update, string? messageId = null, CancellationToken cancellationToken = default) =>
        EmitAsync(messageId ?? update.MessageId ?? NewMessageId(), [.. update.Contents.Select(Informational)], cancellationToken);

    /// <summary>Shows a function/tool call the handler made, with its result once known (seed 003's function call messages).</summary>
    public async ValueTask ToolCallAsync(string name, IDictionary<string, object?>? arguments, object? result, CancellationToken cancellationToken = default)
    {
        var callId = $"call_{Interlocked.Increment(ref _nextId)}";
        var id = NewMessageId();
        await EmitAsync(id, [new FunctionCallContent(callId, name, arguments) { InformationalOnly = true }], cancellationToken);
        await EmitAsync(id, [new FunctionResultContent(callId, result)], cancellationToken);
    }

    private async ValueTask EmitAsync(string messageId, IList<AIContent> contents, CancellationToken cancellationToken)
    {
        // Several messages in one reply are kept apart as paragraphs: each message after the first starts with one.
        if (contents.Any(c => c is TextContent) && _started.Add(messageId) && _started.Count > 1)
            contents.Insert(0, new TextContent("\n\n"));
        await _updates.WriteAsync(new ChatResponseUpdate(ChatRole.Assistant, contents) { MessageId = messageId }, cancellationToken);
    }

    private static AIContent Informational(AIContent content) =>
        content is FunctionCallContent call ? new FunctionCallContent(call.CallId, call.Name, call.Arguments) { InformationalOnly = true } : content;
}
