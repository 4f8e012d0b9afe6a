using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Parley.Tests.Fakes;

/// <summary>
/// Speaks OpenAI's chat completions API: <c>POST /v1/chat/completions</c> (a <c>chat.completion</c> object, or with
/// <c>stream: true</c> <c>data: {chat.completion.chunk}</c> lines, a usage chunk with no choices when
/// <c>stream_options.include_usage</c> is set, and <c>data: [DONE]</c>) and <c>GET /v1/models</c>.
/// </summary>
public sealed class FakeOpenAIServer : FakeUpstreamServer
{
    private const long Created = 1_763_000_000;

    private FakeOpenAIServer()
    {
    }

    /// <summary>The value for an OpenAI client's endpoint: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public override string BaseUrl => Origin + "/v1";

    /// <summary>Model ids listed by <c>GET /v1/models</c>.</summary>
    public IList<string> Models { get; } = ["gpt-4o-mini", "gpt-4o"];

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var server = new FakeOpenAIServer();
        await server.StartCoreAsync();
        return server;
    }

    protected override void MapRoutes(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/chat/completions", CompleteAsync);
        routes.MapGet("/v1/models", ListModelsAsync);
        routes.MapPost("/v1/embeddings", EmbedAsync);
    }

    /// <summary>
    /// <c>POST /v1/embeddings</c>: one vector per input (strings or token arrays) of <c>dimensions</c> floats (3 by default),
    /// <c>[length, index, 0.5 …]</c>, as floats or, with <c>encoding_format: base64</c>, little-endian float32 bytes.
    /// </summary>
    private async Task EmbedAsync(HttpContext context)
    {
        var (request, reply) = await ReceiveAsync(context);
        if (reply.ErrorStatus is { } status)
        {
            await WriteJsonAsync(context.Response, status, ErrorBody(status, reply), reply.RetryAfter);
            return;
        }
        var root = request.Root;
        var input = root.GetProperty("input");
        var inputs = input.ValueKind == System.Text.Json.JsonValueKind.String ? [input.GetString()!] : input.EnumerateArray().Select(i => i.ToString()).ToList();
        var dimensions = root.TryGetProperty("dimensions", out var d) ? d.GetInt32() : 3;
        var base64 = root.TryGetProperty("encoding_format", out var f) && f.GetString() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = Enumerable.Range(0, dimensions).Select(k => k switch { 0 => (float)inputs[i].Length, 1 => i, _ => 0.5f }).ToArray();
            data.Add(new JsonObject
            {
                ["object"] = "embedding", ["index"] = i,
                ["embedding"] = base64 ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())) : new JsonArray([.. vector.Select(v => (JsonNode)v)]),
            });
        }
        var tokens = inputs.Sum(i => i.Length);
        await WriteJsonAsync(context.Response, 200, new JsonObject
        {
            ["object"] = "list", ["data"] = data, ["model"] = root.GetProperty("model").GetString(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    private async Task ListModelsAsync(HttpContext context)
    {
        await ReceiveAsync(context);
        var data = new JsonArray([.. Models.Select(id => (JsonNode)new JsonObject
        {
            ["id"] = id, ["object"] = "model", ["created"] = Created, ["owned_by"] = "fake",
        })]);
        await WriteJsonAsync(context.Response, 200, new JsonObject { ["object"] = "list", ["data"] = data });
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var (request, reply) = await ReceiveAsync(context);
        if (reply.Hang)
        {
            await HangAsync(context);
            return;
        }

        if (reply.ErrorStatus is { } status)
        {
            await WriteJsonAsync(context.Response, status, ErrorBody(status, reply), reply.RetryAfter);
            return;
        }

        var root = request.Json?.RootElement;
        var model = root?.TryGetProperty("model", out var m) == true ? m.GetString() ?? "" : "";
        var stream = root?.TryGetProperty("stream", out var s) == true && s.ValueKind == System.Text.Json.JsonValueKind.True;
        if (!stream)
        {
            if (reply.FailAfterChunks is not null)
                await WriteJsonAsync(context.Response, 500, ErrorBody(500, reply));
            else
                await WriteJsonAsync(context.Response, 200, Completion(reply, NextId("chatcmpl-fake"), model));
            return;
        }

        var includeUsage = root?.TryGetProperty("stream_options", out var so) == true
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == System.Text.Json.JsonValueKind.True;
        await StreamAsync(context, reply, NextId("chatcmpl-fake"), model, includeUsage, Lifetime(context));
    }

    private static async Task StreamAsync(HttpContext context, FakeReply reply, string id, string model, bool includeUsage, CancellationToken token)
    {
        var response = context.Response;
        await StartSseAsync(response);
        Task Send(JsonObject delta, string? finish = null) =>
            WriteSseAsync(response, null, Chunk(id, model, [Choice(delta, finish)], includeUsage, null).ToJsonString(), token);

        await Send(new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null });
        await DelayAsync(reply.FirstChunkDelay, token);

        var deltas = reply.TextChunks.Select(text => new JsonObject { ["content"] = text }).ToList();
        for (var index = 0; index < reply.ToolCalls.Count; index++)
        {
            var call = reply.ToolCalls[index];
            deltas.Add(ToolDelta(index, new JsonObject
            {
                ["index"] = index, ["id"] = call.CallId, ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            }));
            deltas.AddRange(Fragments(call.ArgumentsJson).Select(fragment => ToolDelta(index, new JsonObject
            {
                ["index"] = index, ["function"] = new JsonObject { ["arguments"] = fragment },
            })));
        }

        for (var i = 0; i < deltas.Count; i++)
        {
            if (i == reply.FailAfterChunks)
            {
                await FailAsync(context, reply, token);
                return;
            }

            if (i > 0)
                await DelayAsync(reply.ChunkDelay, token);
            await Send(deltas[i]);
        }

        if (reply.FailAfterChunks is not null)
        {
            await FailAsync(context, reply, token);
            return;
        }

        await Send(new JsonObject(), FinishReason(reply));
        if (includeUsage)
            await WriteSseAsync(response, null, Chunk(id, model, [], true, Usage(reply)).ToJsonString(), token);
        await WriteSseAsync(response, null, "[DONE]", token);
    }

    // OpenAI has no error event; mid-stream failures arrive as a chunk holding only an "error" object, or a dropped connection.
    private static async Task FailAsync(HttpContext context, FakeReply reply, CancellationToken token)
    {
        if (reply.AbortConnection)
        {
            await context.Response.Body.FlushAsync(token);
            await Task.Delay(100, token); // let the chunks already written reach the client before the reset
            context.Abort();
            return;
        }

        await WriteSseAsync(context.Response, null, ErrorBody(500, reply).ToJsonString(), token);
    }

    private static JsonObject ToolDelta(int index, JsonObject call) => new() { ["tool_calls"] = new JsonArray(call) };

    private static JsonObject Choice(JsonObject delta, string? finish) => new()
    {
        ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finish,
    };

    // With include_usage every chunk carries "usage": null except the last one, whose choices are empty.
    private static JsonObject Chunk(string id, string model, JsonNode[] choices, bool withUsage, JsonNode? usage)
    {
        var chunk = new JsonObject
        {
            ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = Created, ["model"] = model,
            ["system_fingerprint"] = "fp_fake", ["choices"] = new JsonArray(choices),
        };
        if (withUsage)
            chunk["usage"] = usage;
        return chunk;
    }

    private static JsonObject Completion(FakeReply reply, string id, string model)
    {
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = reply.TextChunks.Count > 0 || reply.ToolCalls.Count == 0 ? reply.FullText : null,
            ["refusal"] = null,
        };
        if (reply.ToolCalls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. reply.ToolCalls.Select(call => (JsonNode)new JsonObject
            {
                ["id"] = call.CallId, ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
            })]);
        }

        return new JsonObject
        {
            ["id"] = id, ["object"] = "chat.completion", ["created"] = Created, ["model"] = model, ["system_fingerprint"] = "fp_fake",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = FinishReason(reply),
            }),
            ["usage"] = Usage(reply),
        };
    }

    private static string FinishReason(FakeReply reply) => reply.FinishReason ?? (reply.ToolCalls.Count > 0 ? "tool_calls" : "stop");

    private static JsonObject Usage(FakeReply reply) => new()
    {
        ["prompt_tokens"] = reply.PromptTokens,
        ["completion_tokens"] = reply.CompletionTokens,
        ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
    };

    private static JsonObject ErrorBody(int status, FakeReply reply) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = reply.ErrorMessage,
            ["type"] = reply.ErrorType ?? status switch
            {
                401 => "invalid_request_error",
                429 => "requests",
                >= 500 => "server_error",
                _ => "invalid_request_error",
            },
            ["param"] = null,
            ["code"] = reply.ErrorCode ?? (status == 401 ? "invalid_api_key" : status == 429 ? "rate_limit_exceeded" : null),
        },
    };
}
