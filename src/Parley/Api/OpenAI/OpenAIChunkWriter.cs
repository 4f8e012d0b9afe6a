using System.Text.Json;
using Parley.Errors;
using Parley.Streaming;

namespace Parley.Api.OpenAI;

/// <summary>
/// Translates Parley's events into <c>chat.completion.chunk</c> SSE frames. A failure before the
/// first frame becomes a real HTTP error (so SDKs raise their usual exception); after it, an error frame.
/// </summary>
internal sealed class OpenAIChunkWriter(SseWriter sse, string id, long created, string model, bool includeUsage, CancellationToken cancellationToken)
{
    private bool _sentRole;
    private int _toolIndex;
    private string? _finishReason;
    private Parley.Conversations.TokenUsage? _usage;
    private bool _failed;

    public async ValueTask WriteAsync(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case TextDelta text:
                await DeltaAsync(w => w.WriteString("content", text.Text));
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
            case UsageReported usage:
                _usage = _usage is null ? usage.Usage : _usage + usage.Usage;
                break;
            case ReplyFinished finished:
                _finishReason = OpenAICompletionJson.FinishReason(finished.FinishReason, _toolIndex > 0);
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
        }
    }

    public async ValueTask FinishAsync()
    {
        if (!_failed)
        {
            await EnsureRoleAsync();
            await ChunkAsync(w =>
            {
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("delta");
                w.WriteEndObject();
                w.WriteNull("logprobs");
                w.WriteString("finish_reason", _finishReason ?? "stop");
                w.WriteEndObject();
                w.WriteEndArray();
            });
            if (includeUsage && _usage is { } usage)
            {
                await ChunkAsync(w =>
                {
                    w.WriteStartArray("choices");
                    w.WriteEndArray();
                    w.WriteStartObject("usage");
                    w.WriteNumber("prompt_tokens", usage.PromptTokens);
                    w.WriteNumber("completion_tokens", usage.CompletionTokens);
                    w.WriteNumber("total_tokens", usage.TotalTokens);
                    w.WriteEndObject();
                });
            }
        }
        await sse.WriteDoneAsync(cancellationToken);
    }

    private async ValueTask DeltaAsync(Action<Utf8JsonWriter> writeDelta)
    {
        await EnsureRoleAsync();
        await ChunkAsync(w =>
        {
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
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
            w.WriteNumber("index", 0);
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
            w.WriteString("id", id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", created);
            w.WriteString("model", model);
            w.WriteNull("system_fingerprint");
            writeBody(w);
            w.WriteEndObject();
        }, cancellationToken);
}
