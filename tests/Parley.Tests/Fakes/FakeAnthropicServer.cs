using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Parley.Tests.Fakes;

/// <summary>
/// Speaks Anthropic's Messages API: <c>POST /v1/messages</c> (a <c>message</c> with content blocks and usage, or with
/// <c>stream: true</c> the event sequence message_start, content_block_start, ping, content_block_delta
/// (text_delta / input_json_delta), content_block_stop, message_delta, message_stop, and <c>event: error</c>).
/// </summary>
public sealed class FakeAnthropicServer : FakeUpstreamServer
{
    private FakeAnthropicServer()
    {
    }

    /// <summary>The root the Anthropic SDK expects as its base URL (it appends <c>/v1/messages</c>).</summary>
    public override string BaseUrl => Origin;

    public static async Task<FakeAnthropicServer> StartAsync()
    {
        var server = new FakeAnthropicServer();
        await server.StartCoreAsync();
        return server;
    }

    protected override void MapRoutes(IEndpointRouteBuilder routes) => routes.MapPost("/v1/messages", CreateMessageAsync);

    private async Task CreateMessageAsync(HttpContext context)
    {
        var (request, reply) = await ReceiveAsync(context);
        context.Response.Headers["request-id"] = NextId("req_fake");
        if (reply.Hang)
        {
            await HangAsync(context);
            return;
        }

        if (reply.ErrorStatus is { } status)
        {
            await WriteJsonAsync(context.Response, status, ErrorBody(ErrorType(status, reply), reply.ErrorMessage), reply.RetryAfter);
            return;
        }

        var root = request.Json?.RootElement;
        var model = root?.TryGetProperty("model", out var m) == true ? m.GetString() ?? "" : "";
        var stream = root?.TryGetProperty("stream", out var s) == true && s.ValueKind == JsonValueKind.True;
        if (!stream)
        {
            if (reply.FailAfterChunks is not null)
                await WriteJsonAsync(context.Response, 529, ErrorBody("overloaded_error", reply.ErrorMessage));
            else
                await WriteJsonAsync(context.Response, 200, Message(reply, NextId("msg_fake"), model));
            return;
        }

        await StreamAsync(context, reply, NextId("msg_fake"), model, Lifetime(context));
    }

    private static async Task StreamAsync(HttpContext context, FakeReply reply, string id, string model, CancellationToken token)
    {
        var response = context.Response;
        await StartSseAsync(response);
        Task Send(string name, JsonObject data)
        {
            data.Insert(0, "type", name);
            return WriteSseAsync(response, name, data.ToJsonString(), token);
        }

        var start = Message(reply, id, model, withContent: false);
        start["usage"] = new JsonObject { ["input_tokens"] = reply.PromptTokens, ["output_tokens"] = 1 };
        await Send("message_start", new JsonObject { ["message"] = start });
        await DelayAsync(reply.FirstChunkDelay, token);

        // Every content chunk, in order, with the block it belongs to; blocks open before their first chunk and close after their last.
        var blocks = new List<(JsonObject Start, List<JsonObject> Deltas)>();
        if (reply.ThinkingChunks.Count > 0)
        {
            blocks.Add((new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
                [.. reply.ThinkingChunks.Select(text => new JsonObject { ["type"] = "thinking_delta", ["thinking"] = text }),
                    new JsonObject { ["type"] = "signature_delta", ["signature"] = reply.ThinkingSignature }]));
        }
        if (reply.TextChunks.Count > 0)
        {
            blocks.Add((new JsonObject { ["type"] = "text", ["text"] = "" },
                [.. reply.TextChunks.Select(text => new JsonObject { ["type"] = "text_delta", ["text"] = text })]));
        }

        foreach (var call in reply.ToolCalls)
        {
            blocks.Add((new JsonObject { ["type"] = "tool_use", ["id"] = call.CallId, ["name"] = call.Name, ["input"] = new JsonObject() },
                [.. Fragments(call.ArgumentsJson).Prepend("").Select(part => new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = part })]));
        }

        var sent = 0;
        for (var index = 0; index < blocks.Count; index++)
        {
            await Send("content_block_start", new JsonObject { ["index"] = index, ["content_block"] = blocks[index].Start });
            if (index == 0)
                await Send("ping", []);
            foreach (var delta in blocks[index].Deltas)
            {
                if (sent == reply.FailAfterChunks)
                {
                    await FailAsync(context, reply, token);
                    return;
                }

                if (sent++ > 0)
                    await DelayAsync(reply.ChunkDelay, token);
                await Send("content_block_delta", new JsonObject { ["index"] = index, ["delta"] = delta });
            }

            await Send("content_block_stop", new JsonObject { ["index"] = index });
        }

        if (reply.FailAfterChunks is not null)
        {
            await FailAsync(context, reply, token);
            return;
        }

        await Send("message_delta", new JsonObject
        {
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.CompletionTokens },
        });
        await Send("message_stop", []);
    }

    private static async Task FailAsync(HttpContext context, FakeReply reply, CancellationToken token)
    {
        if (reply.AbortConnection)
        {
            await context.Response.Body.FlushAsync(token);
            await Task.Delay(100, token); // let the chunks already written reach the client before the reset
            context.Abort();
            return;
        }

        await WriteSseAsync(context.Response, "error", ErrorBody(reply.ErrorType ?? "overloaded_error", reply.ErrorMessage).ToJsonString(), token);
    }

    private static JsonObject Message(FakeReply reply, string id, string model, bool withContent = true)
    {
        var content = new JsonArray();
        if (withContent && reply.ThinkingChunks.Count > 0)
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = string.Concat(reply.ThinkingChunks), ["signature"] = reply.ThinkingSignature });
        if (withContent && reply.TextChunks.Count > 0)
            content.Add(new JsonObject { ["type"] = "text", ["text"] = reply.FullText });
        if (withContent)
        {
            foreach (var call in reply.ToolCalls)
                content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = call.CallId, ["name"] = call.Name, ["input"] = ParseArguments(call.ArgumentsJson) });
        }

        return new JsonObject
        {
            ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = content,
            ["stop_reason"] = withContent ? StopReason(reply) : null, ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = reply.PromptTokens, ["output_tokens"] = reply.CompletionTokens },
        };
    }

    private static string StopReason(FakeReply reply) => reply.FinishReason ?? (reply.ToolCalls.Count > 0 ? "tool_use" : "end_turn");

    private static string ErrorType(int status, FakeReply reply) => reply.ErrorType ?? status switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };

    private static JsonObject ErrorBody(string type, string message) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject { ["type"] = type, ["message"] = message },
        ["request_id"] = "req_fake_error",
    };
}
