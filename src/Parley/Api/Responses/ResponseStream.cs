using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Streaming;
using Parley.Usage;

namespace Parley.Api.Responses;

/// <summary>
/// Builds one Responses API <c>response</c> from Parley's events and, when streaming, writes the real event sequence with a
/// <c>sequence_number</c> each: response.created, response.in_progress, per output item output_item.added (a reasoning item
/// streams reasoning_summary_part.added, reasoning_summary_text.delta/.done and reasoning_summary_part.done),
/// content_part.added, output_text.delta/.done (or function_call_arguments.delta/.done), content_part.done,
/// output_item.done, then response.completed, response.incomplete or response.failed. Nothing is sent before the model's
/// first event, so a failure before it is a real HTTP error. Without a writer it only builds (the non-streamed path).
/// </summary>
internal sealed class ResponseStream(ResponseDraft draft, SseWriter? sse, CancellationToken cancellationToken)
{
    private int _sequence;
    private bool _started;
    private JsonObject? _message;
    private System.Text.StringBuilder? _text;
    private JsonObject? _reasoning;
    private System.Text.StringBuilder? _reasoningText;
    private string? _finishReason;
    private UsageDetails? _usage;
    private bool _toolCalls;

    /// <summary>The assistant's output as a message, for a later <c>previous_response_id</c>.</summary>
    public List<AIContent> AssistantContents { get; } = [];

    public async ValueTask WriteAsync(ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                await StartAsync();
                await CloseMessageAsync();
                await OpenReasoningAsync();
                _reasoningText!.Append(reasoning.Text);
                await SendAsync("response.reasoning_summary_text.delta", new JsonObject
                {
                    ["item_id"] = (string)_reasoning!["id"]!, ["output_index"] = draft.Output.IndexOf(_reasoning), ["summary_index"] = 0, ["delta"] = reasoning.Text,
                });
                break;
            case TextDelta text:
                await StartAsync();
                await CloseReasoningAsync();
                await OpenMessageAsync();
                _text!.Append(text.Text);
                await SendAsync("response.output_text.delta", new JsonObject
                {
                    ["item_id"] = (string)_message!["id"]!, ["output_index"] = draft.Output.Count - 1, ["content_index"] = 0,
                    ["delta"] = text.Text, ["logprobs"] = new JsonArray(),
                });
                break;
            case ToolCallStarted call:
                await StartAsync();
                await CloseReasoningAsync();
                await CloseMessageAsync();
                await FunctionCallAsync(call.CallId, call.Name, call.Arguments);
                break;
            case UsageReported usage:
                _usage = _usage.Plus(usage.Usage);
                break;
            case ReplyFinished finished:
                _finishReason = finished.FinishReason;
                draft.Model = finished.ModelId;
                break;
            case ReplyFailed failed when !_started || sse is null:
                throw new ParleyException(failed.Code, failed.Status, failed.Message);
            case ReplyFailed failed:
                await CloseReasoningAsync();
                await CloseMessageAsync();
                draft.Status = "failed";
                draft.Error = new JsonObject { ["code"] = failed.Code == ErrorCodes.RateLimited ? "rate_limit_exceeded" : "server_error", ["message"] = failed.Message };
                break;
        }
    }

    /// <summary>Reasoning text a non-streamed reply carried, as a <c>reasoning</c> output item with a summary.</summary>
    public void AddReasoning(string text) =>
        draft.Output.Add(new JsonObject
        {
            ["type"] = "reasoning", ["id"] = ResponsesInput.NewId("rs"),
            ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = text }),
        });

    /// <summary>Closes what is open, sets status and usage, sends the final event; returns the finished response object.</summary>
    /// <summary>
    /// Ends the response: its final event (<c>response.completed</c>, <c>.incomplete</c> or <c>.failed</c>) carries the whole
    /// object, which <paramref name="beforeFinal"/> gets first, so a client that reads it can already <c>GET</c> it.
    /// </summary>
    public async ValueTask<JsonObject> FinishAsync(UsageDetails? details = null, Func<JsonObject, Task>? beforeFinal = null)
    {
        await StartAsync();
        await CloseReasoningAsync();
        await CloseMessageAsync();
        if (draft.Status != "failed")
        {
            draft.Status = _finishReason is "length" or "content_filter" ? "incomplete" : "completed";
            if (draft.Status == "incomplete")
                draft.Incomplete = _finishReason == "length" ? "max_output_tokens" : "content_filter";
        }
        var usage = details ?? _usage ?? UsageTokens.Of(0, 0);
        draft.Usage = new JsonObject
        {
            ["input_tokens"] = usage.Input(),
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedInputTokenCount ?? 0 },
            ["output_tokens"] = usage.Output(),
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.ReasoningTokenCount ?? 0 },
            ["total_tokens"] = usage.Total(),
        };
        var response = draft.ToJson();
        if (beforeFinal is not null)
            await beforeFinal(response);
        var name = draft.Status switch
        {
            "failed" => "response.failed",
            "incomplete" => "response.incomplete",
            _ => "response.completed",
        };
        await SendAsync(name, new JsonObject { ["response"] = response.DeepClone() });
        return response;
    }

    public bool HasToolCalls => _toolCalls;

    private async ValueTask FunctionCallAsync(string callId, string name, string arguments)
    {
        _toolCalls = true;
        AssistantContents.Add(Parley.Tools.ToolContent.ParseCall(callId, name, arguments));
        var id = ResponsesInput.NewId("fc");
        var item = new JsonObject
        {
            ["type"] = "function_call", ["id"] = id, ["call_id"] = callId, ["name"] = name, ["arguments"] = "", ["status"] = "in_progress",
        };
        draft.Output.Add(item);
        var index = draft.Output.Count - 1;
        await SendAsync("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = item.DeepClone() });
        await SendAsync("response.function_call_arguments.delta", new JsonObject { ["item_id"] = id, ["output_index"] = index, ["delta"] = arguments });
        await SendAsync("response.function_call_arguments.done", new JsonObject { ["item_id"] = id, ["output_index"] = index, ["name"] = name, ["arguments"] = arguments });
        item["arguments"] = arguments;
        item["status"] = "completed";
        await SendAsync("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = item.DeepClone() });
    }

    /// <summary>A <c>reasoning</c> item whose summary streams the model's reasoning text.</summary>
    private async ValueTask OpenReasoningAsync()
    {
        if (_reasoning is not null)
            return;
        _reasoningText = new System.Text.StringBuilder();
        _reasoning = new JsonObject { ["type"] = "reasoning", ["id"] = ResponsesInput.NewId("rs"), ["summary"] = new JsonArray() };
        draft.Output.Add(_reasoning);
        var index = draft.Output.Count - 1;
        await SendAsync("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = _reasoning.DeepClone() });
        await SendAsync("response.reasoning_summary_part.added", new JsonObject
        {
            ["item_id"] = (string)_reasoning["id"]!, ["output_index"] = index, ["summary_index"] = 0, ["part"] = new JsonObject { ["type"] = "summary_text", ["text"] = "" },
        });
    }

    private async ValueTask CloseReasoningAsync()
    {
        if (_reasoning is null)
            return;
        var text = _reasoningText!.ToString();
        var id = (string)_reasoning["id"]!;
        var index = draft.Output.IndexOf(_reasoning);
        await SendAsync("response.reasoning_summary_text.done", new JsonObject { ["item_id"] = id, ["output_index"] = index, ["summary_index"] = 0, ["text"] = text });
        var part = new JsonObject { ["type"] = "summary_text", ["text"] = text };
        await SendAsync("response.reasoning_summary_part.done", new JsonObject { ["item_id"] = id, ["output_index"] = index, ["summary_index"] = 0, ["part"] = part.DeepClone() });
        _reasoning["summary"] = new JsonArray(part);
        await SendAsync("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = _reasoning.DeepClone() });
        _reasoning = null;
        _reasoningText = null;
    }

    private async ValueTask OpenMessageAsync()
    {
        if (_message is not null)
            return;
        _text = new System.Text.StringBuilder();
        _message = new JsonObject
        {
            ["type"] = "message", ["id"] = ResponsesInput.NewId("msg"), ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray(),
        };
        draft.Output.Add(_message);
        var index = draft.Output.Count - 1;
        await SendAsync("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = _message.DeepClone() });
        await SendAsync("response.content_part.added", new JsonObject
        {
            ["item_id"] = (string)_message["id"]!, ["output_index"] = index, ["content_index"] = 0, ["part"] = ResponsesInput.Part("output_text", ""),
        });
    }

    private async ValueTask CloseMessageAsync()
    {
        if (_message is null)
            return;
        var text = _text!.ToString();
        var id = (string)_message["id"]!;
        var index = draft.Output.IndexOf(_message);
        AssistantContents.Add(new TextContent(text));
        await SendAsync("response.output_text.done", new JsonObject
        {
            ["item_id"] = id, ["output_index"] = index, ["content_index"] = 0, ["text"] = text, ["logprobs"] = new JsonArray(),
        });
        var part = ResponsesInput.Part("output_text", text);
        await SendAsync("response.content_part.done", new JsonObject { ["item_id"] = id, ["output_index"] = index, ["content_index"] = 0, ["part"] = part.DeepClone() });
        _message["content"] = new JsonArray(part);
        _message["status"] = "completed";
        await SendAsync("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = _message.DeepClone() });
        _message = null;
        _text = null;
    }

    private async ValueTask StartAsync()
    {
        if (_started)
            return;
        _started = true;
        var response = draft.ToJson();
        await SendAsync("response.created", new JsonObject { ["response"] = response.DeepClone() });
        await SendAsync("response.in_progress", new JsonObject { ["response"] = response });
    }

    private ValueTask SendAsync(string type, JsonObject data)
    {
        if (sse is null)
            return ValueTask.CompletedTask;
        data.Insert(0, "type", type);
        data.Insert(1, "sequence_number", _sequence++);
        return sse.WriteAsync(type, w => data.WriteTo(w), cancellationToken);
    }
}
