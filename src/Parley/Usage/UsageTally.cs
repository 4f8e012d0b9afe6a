using System.Text;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Conversations;
using Parley.Errors;
using Parley.Tokens;
using Parley.Tools;

namespace Parley.Usage;

/// <summary>
/// What one call through a pipeline layer used and how it ended: the usage the provider reported, or, when a reply
/// ended without a report (cut, cancelled, failed, or a provider that reports none), the prompt sent and the tokens
/// seen counted with the model's <see cref="TokenCounter"/>. <see cref="MeteringChatClient"/> keeps one per call.
/// </summary>
internal sealed class UsageTally(IEnumerable<ChatMessage> prompt, TokenCounter counter)
{
    private readonly StringBuilder _seen = new();
    private UsageDetails? _reported;
    private bool _anyUpdate;

    public bool Cached { get; private set; }

    public string? AnsweredBy { get; private set; }

    /// <summary><c>ok</c>, <c>cancelled</c> or the error code; <c>cancelled</c> until <see cref="Completed"/> or <see cref="Failed"/>.</summary>
    public string Outcome { get; private set; } = UsageRecord.Cancelled;

    public bool Reported => _reported is not null;

    public void Observe(ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _anyUpdate = true;
        Cached |= update.IsCached();
        AnsweredBy = update.AnsweredBy() ?? AnsweredBy;
        foreach (var content in update.Contents)
            Observe(content);
    }

    public void Observe(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        _anyUpdate = true;
        Cached |= response.IsCached();
        AnsweredBy = response.AnsweredBy() ?? AnsweredBy;
        if (response.Usage is { } usage)
            Add(usage);
        foreach (var content in response.Messages.SelectMany(m => m.Contents))
        {
            if (content is not UsageContent)
                Observe(content);
        }
    }

    public void Completed() => Outcome = UsageRecord.Ok;

    /// <summary>
    /// A relayed stream carries its text to the pipeline only in its last update; when it was cut before that, the text
    /// its reader had seen is what the client was shown, and is counted.
    /// </summary>
    public void ObserveRelay(ChatOptions? options)
    {
        if (_reported is null && _seen.Length == 0 && Relay.RelayRequest.Of(options)?.Reader?.Text is { Length: > 0 } text)
            _seen.Append(text);
    }

    public void Failed(Exception exception, CancellationToken cancellationToken) =>
        Outcome = exception is OperationCanceledException && cancellationToken.IsCancellationRequested ? UsageRecord.Cancelled
            : exception is ParleyException known ? known.Code
            : ErrorCodes.Internal;

    /// <summary>The reported usage, else the counted prompt and output once the provider answered anything (nothing when it never did).</summary>
    public UsageDetails Total()
    {
        if (_reported is { } reported)
            return reported;
        if (!_anyUpdate)
            return UsageTokens.Of(0, 0);
        return Estimate();
    }

    /// <summary>The counted prompt and output, regardless of any report.</summary>
    public UsageDetails Estimate() => UsageTokens.Of(counter.Count(prompt), counter.Count(_seen.ToString()));

    private void Observe(AIContent content)
    {
        switch (content)
        {
            case UsageContent usage:
                Add(usage.Details);
                break;
            case TextContent text:
                _seen.Append(text.Text);
                break;
            case TextReasoningContent reasoning:
                _seen.Append(reasoning.Text);
                break;
            case FunctionCallContent call:
                _seen.Append(call.Name).Append(ToolContent.ArgumentsJson(call));
                break;
        }
    }

    private void Add(UsageDetails details) => _reported = _reported.Plus(details);
}
