using System.Diagnostics;
using System.Text;
using Parley.Streaming;

namespace Parley.Conversations;

/// <summary>
/// Folds a reply's events into the parts, usage and timings that get stored. Text deltas join the message their id names
/// (seed 003: an app handler may interleave several messages), in the order the messages first appeared.
/// </summary>
public sealed class ReplyAccumulator
{
    private readonly List<MessagePart> _parts = [];
    private readonly List<(string? Id, StringBuilder Text)> _messages = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long? _firstTokenMs;

    public TokenUsage? Usage { get; private set; }

    public ReplyFailed? Failure { get; private set; }

    public bool Finished { get; private set; }

    /// <summary>The model that answered, from <see cref="ReplyFinished"/> (a fallback's when one stepped in).</summary>
    public string? ModelId { get; private set; }

    public void Add(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case TextDelta delta:
                _firstTokenMs ??= _clock.ElapsedMilliseconds;
                TextOf(delta.MessageId).Append(delta.Text);
                break;
            case ToolCallStarted call:
                _firstTokenMs ??= _clock.ElapsedMilliseconds;
                FlushText();
                _parts.Add(new ToolCallPart(call.CallId, call.Name, call.Arguments));
                break;
            case ToolCallCompleted result:
                FlushText();
                _parts.Add(new ToolResultPart(result.CallId, result.Name, result.Result, result.IsError));
                break;
            case UsageReported usage:
                Usage = Usage is null ? TokenUsage.From(usage.Usage) : Usage + TokenUsage.From(usage.Usage);
                break;
            case ReplyFailed failed:
                Failure = failed;
                break;
            case ReplyFinished finished:
                Finished = true;
                ModelId = finished.ModelId;
                break;
        }
    }

    public IReadOnlyList<MessagePart> Parts
    {
        get
        {
            FlushText();
            return [.. _parts];
        }
    }

    /// <summary>The parts so far, the text being written included, without closing that text part.</summary>
    public IReadOnlyList<MessagePart> Snapshot()
    {
        var text = string.Concat(_messages.Select(m => m.Text.ToString()));
        return text.Length == 0 ? [.. _parts] : [.. _parts, new TextPart(text)];
    }

    public string Text => string.Concat(Parts.OfType<TextPart>().Select(p => p.Text));

    public MessageTimings Timings => new(_firstTokenMs, _clock.ElapsedMilliseconds);

    public string Status => Failure is not null ? MessageStatus.Error : Finished ? MessageStatus.Complete : MessageStatus.Incomplete;

    public MessageError? Error => Failure is null ? null : new MessageError(Failure.Code, Failure.Message);

    /// <summary>The text of message <paramref name="id"/>; a delta without an id continues the latest message.</summary>
    private StringBuilder TextOf(string? id)
    {
        if (_messages.Count > 0 && (id is null || _messages[^1].Id == id))
            return _messages[^1].Text;
        foreach (var (existing, text) in _messages)
        {
            if (existing == id)
                return text;
        }
        _messages.Add((id, new StringBuilder()));
        return _messages[^1].Text;
    }

    private void FlushText()
    {
        var text = string.Concat(_messages.Select(m => m.Text.ToString()));
        _messages.Clear();
        if (text.Length > 0)
            _parts.Add(new TextPart(text));
    }
}
