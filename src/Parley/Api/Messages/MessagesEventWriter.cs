using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Streaming;
using Parley.Usage;

namespace Parley.Api.Messages;

/// <summary>
/// Translates Parley's events into Anthropic's stream: message_start and a ping, then per content block
/// content_block_start, content_block_delta (thinking_delta and signature_delta, text_delta, input_json_delta), content_block_stop, then message_delta with
/// the stop reason and usage and message_stop. Nothing is sent before the model's first event, so a failure before it is a
/// real HTTP error in Anthropic's shape; after it, an <c>error</c> event.
/// </summary>
internal sealed class MessagesEventWriter(SseWriter sse, string id, string model, int estimatedInputTokens, CancellationToken cancellationToken)
{
    private bool _started;
    private int _index = -1;
    private bool _textOpen;
    private bool _thinkingOpen;
    private bool _toolCalls;
    private string? _finishReason;
    private UsageDetails? _usage;
    private bool _failed;
    private bool _relayed;

    public async ValueTask WriteAsync(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case RawDelta raw:
                _relayed = _started = true;
                await sse.WriteRawAsync(raw.Bytes, cancellationToken);
                break;
            case ReplyFailed failed when !_started:
                throw new ParleyException(failed.Code, failed.Status, failed.Message);
            case ReplyFailed failed:
                _failed = true;
                await SendAsync("error", new JsonObject
                {
                    ["error"] = new JsonObject { ["type"] = AnthropicErrors.Type(failed.Code, failed.Status), ["message"] = failed.Message },
                });
                break;
            case not null when _relayed:
                break;
            case ReasoningDelta reasoning:
                await StartAsync();
                await CloseTextAsync();
                if (!_thinkingOpen)
                {
                    _index++;
                    _thinkingOpen = true;
                    await SendAsync("content_block_start", new JsonObject
                    {
                        ["index"] = _index, ["content_block"] = new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
                    });
                }
                if (reasoning.Text.Length > 0)
                    await SendAsync("content_block_delta", new JsonObject { ["index"] = _index, ["delta"] = new JsonObject { ["type"] = "thinking_delta", ["thinking"] = reasoning.Text } });
                if (reasoning.Signature is { Length: > 0 } signature)
                    await SendAsync("content_block_delta", new JsonObject { ["index"] = _index, ["delta"] = new JsonObject { ["type"] = "signature_delta", ["signature"] = signature } });
                break;
            case TextDelta text:
                await StartAsync();
                await CloseThinkingAsync();
                if (!_textOpen)
                {
                    _index++;
                    _textOpen = true;
                    await SendAsync("content_block_start", new JsonObject { ["index"] = _index, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" } });
                }
                await SendAsync("content_block_delta", new JsonObject { ["index"] = _index, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text.Text } });
                break;
            case ToolCallStarted call:
                await StartAsync();
                await CloseThinkingAsync();
                await CloseTextAsync();
                _index++;
                _toolCalls = true;
                await SendAsync("content_block_start", new JsonObject
                {
                    ["index"] = _index,
                    ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = call.CallId, ["name"] = call.Name, ["input"] = new JsonObject() },
                });
                await SendAsync("content_block_delta", new JsonObject
                {
                    ["index"] = _index, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = call.Arguments },
                });
                await SendAsync("content_block_stop", new JsonObject { ["index"] = _index });
                break;
            case UsageReported usage:
                _usage = _usage.Plus(usage.Usage);
                break;
            case ReplyFinished finished:
                _finishReason = finished.FinishReason;
                break;
        }
    }

    public async ValueTask FinishAsync()
    {
        if (_failed || _relayed)
            return;
        await StartAsync();
        await CloseThinkingAsync();
        await CloseTextAsync();
        var usage = AnthropicMessageJson.Usage(_usage?.Input() ?? estimatedInputTokens, _usage?.Output() ?? 0, _usage?.CachedInputTokenCount ?? 0);
        await SendAsync("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = AnthropicMessageJson.StopReason(_finishReason, _toolCalls), ["stop_sequence"] = null },
            ["usage"] = usage,
        });
        await SendAsync("message_stop", []);
    }

    private async ValueTask StartAsync()
    {
        if (_started)
            return;
        _started = true;
        await SendAsync("message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = AnthropicMessageJson.Usage(estimatedInputTokens, 1),
            },
        });
        await SendAsync("ping", []);
    }

    private async ValueTask CloseTextAsync()
    {
        if (!_textOpen)
            return;
        _textOpen = false;
        await SendAsync("content_block_stop", new JsonObject { ["index"] = _index });
    }

    private async ValueTask CloseThinkingAsync()
    {
        if (!_thinkingOpen)
            return;
        _thinkingOpen = false;
        await SendAsync("content_block_stop", new JsonObject { ["index"] = _index });
    }

    private ValueTask SendAsync(string type, JsonObject data)
    {
        data.Insert(0, "type", type);
        return sse.WriteAsync(type, w => data.WriteTo(w), cancellationToken);
    }
}
