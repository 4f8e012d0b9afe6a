using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Streaming;
using Parley.Usage;

namespace Parley.Api.OpenAI;

/// <summary>
/// Writes Parley's events as <c>chat.completion.chunk</c> SSE frames. Relayed bytes (<see cref="RawDelta"/>) are written
/// as they are, the upstream's own <c>[DONE]</c> included, and the parsed events of the same reply are ignored.
/// A failure before the first frame becomes a real HTTP error (so SDKs raise their usual exception); after it, an error
/// frame. With <c>n</c> &gt; 1 each choice is written in turn under its <see cref="Choice"/> index and usage is summed.
/// The model's reasoning (translated replies only) goes out as <c>reasoning_content</c> deltas.
/// </summary>
internal sealed class OpenAIChunkWriter(SseWriter sse, long created, string model, bool includeUsage, CancellationToken cancellationToken)
{
    private bool _sentRole;
    private int _toolIndex;
    private string? _finishReason;
    private UsageDetails? _usage;
    private bool _failed;
    private bool _relayed;

    // Made on the first translated frame: a relayed reply carries the upstream's own id, and Guid.NewGuid was 1% of the
    // relay path's CPU in a profile.
    private string? _id;

    /// <summary>A new <c>chatcmpl-…</c> id for a translated reply.</summary>
    public static string NewCompletionId() => $"chatcmpl-{Guid.NewGuid():N}";

    /// <summary>The index of the choice being written.</summary>
    public int Choice { get; private set; }

    public async ValueTask WriteAsync(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case RawDelta raw:
                _relayed = true;
                await sse.WriteRawAsync(raw.Bytes, cancellationToken);
                break;
            case UsageReported usage:
                _usage = _usage.Plus(usage.Usage);
                break;
            case ReplyFailed failed when !sse.Started:
                throw new ParleyException(failed.Code, failed.Status, failed.Message);
            case ReplyFailed failed:
                _failed = true;
                await sse.WriteAsync(w =>
                {
                    w.WriteStartObject();
                    w.WriteStartObject("error");
                    w.WriteString("message", failed.Message);
                    w.WriteString("type", failed.Status >= 500 ? "server_error" : "invalid_request_error");
                    w.WriteString("code", failed.Code);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }, cancellationToken);
                break;
            case not null when _relayed:
                break;
            case TextDelta text:
                await DeltaAsync(w => w.WriteString("content", text.Text));
                break;
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                // No standard field: reasoning_content is what DeepSeek, vLLM and other OpenAI-compatible servers send.
                await DeltaAsync(w => w.WriteString("reasoning_content", reasoning.Text));
                break;
            case ToolCallStarted call:
                var index = _toolIndex++;
                await DeltaAsync(w =>
                {
                    w.WriteStartArray("tool_calls");
                    OpenAIMessages.WriteToolCall(w, call.CallId, call.Name, call.Arguments, index);
                    w.WriteEndArray();
                });
                break;
            case ReplyFinished finished:
                _finishReason = OpenAICompletionJson.FinishReason(finished.FinishReason, _toolIndex > 0);
                break;
        }
    }

    /// <summary>Ends the current choice (its finish chunk) and moves to the next index.</summary>
    public async ValueTask NextChoiceAsync()
    {
        await FinishChoiceAsync();
        Choice++;
        (_sentRole, _toolIndex, _finishReason) = (false, 0, null);
    }

    public async ValueTask FinishAsync()
    {
        if (_relayed && !_failed)
            return; // the upstream's own finish, usage and [DONE] were relayed
        await FinishChoiceAsync();
        if (!_failed && includeUsage && _usage is { } usage)
        {
            await ChunkAsync(w =>
            {
                w.WriteStartArray("choices");
                w.WriteEndArray();
                w.WriteStartObject("usage");
                OpenAIUsageJson.Write(w, usage);
                w.WriteEndObject();
            });
        }
        await sse.WriteDoneAsync(cancellationToken);
    }

    private async ValueTask FinishChoiceAsync()
    {
        if (_failed || _relayed)
            return;
        await EnsureRoleAsync();
        await ChunkAsync(w =>
        {
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", Choice);
            w.WriteStartObject("delta");
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", _finishReason ?? "stop");
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private async ValueTask DeltaAsync(Action<Utf8JsonWriter> writeDelta)
    {
        await EnsureRoleAsync();
        await ChunkAsync(w =>
        {
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", Choice);
            w.WriteStartObject("delta");
            writeDelta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteNull("finish_reason");
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private async ValueTask EnsureRoleAsync()
    {
        if (_sentRole)
            return;
        _sentRole = true;
        await ChunkAsync(w =>
        {
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", Choice);
            w.WriteStartObject("delta");
            w.WriteString("role", "assistant");
            w.WriteString("content", "");
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteNull("finish_reason");
            w.WriteEndObject();
            w.WriteEndArray();
        });
    }

    private ValueTask ChunkAsync(Action<Utf8JsonWriter> writeBody) =>
        sse.WriteAsync(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", _id ??= NewCompletionId());
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteNull("system_fingerprint");
            writeBody(w);
            w.WriteEndObject();
        }, cancellationToken);
}
