using System.Net.Http.Json;
using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Gateway;

/// <summary>The translate path: the same fake answers both paths alike; what has no translation is refused, or dropped when allowed; n &gt; 1.</summary>
public sealed class TranslatePathTests : RelayFixture
{
    protected override Dictionary<string, string?> Settings() => new() { ["Parley:Providers:mock:Kind"] = "mock", ["Parley:Providers:mock:DropUnsupportedParams"] = "false" };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Relay_and_translate_give_the_client_the_same_reply_from_the_same_upstream(bool stream)
    {
        string[] chunks =
        [
            WireSamples.TextChunk("Hel"), WireSamples.TextChunk("lo"),
            """{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":null}]}""",
            WireSamples.TextChunk("", 0, "tool_calls"), WireSamples.UsageChunk(4, 6), "[DONE]",
        ];
        const string completion = """{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10}}""";
        var results = new List<string>();
        foreach (var model in new[] { Model, TranslatedModel })
        {
            Upstream.Enqueue(stream ? RawAnswer.Events(chunks) : RawAnswer.Json(completion));
            var sdk = new ChatClient(model, new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(Server.BaseAddress, "/v1") });
            var options = new ChatCompletionOptions { Tools = { ChatTool.CreateFunctionTool("f", "d", BinaryData.FromString("""{"type":"object","properties":{"a":{"type":"integer"}}}""")) } };
            if (stream)
            {
                var text = "";
                var calls = new List<string>();
                ChatFinishReason? finish = null;
                ChatTokenUsage? usage = null;
                await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("Hi")], options))
                {
                    text += string.Concat(update.ContentUpdate.Select(p => p.Text));
                    calls.AddRange(update.ToolCallUpdates.Where(c => c.FunctionName is not null).Select(c => $"{c.ToolCallId}:{c.FunctionName}"));
                    calls.AddRange(update.ToolCallUpdates.Where(c => c.FunctionArgumentsUpdate is { } a && a.ToMemory().Length > 0).Select(c => c.FunctionArgumentsUpdate.ToString()));
                    finish ??= update.FinishReason;
                    usage ??= update.Usage;
                }
                results.Add($"{text}|{string.Join(",", calls)}|{finish}|{usage?.InputTokenCount}/{usage?.OutputTokenCount}");
            }
            else
            {
                ChatCompletion reply = await sdk.CompleteChatAsync([new UserChatMessage("Hi")], options);
                var call = reply.ToolCalls.Single();
                results.Add($"{reply.Content.FirstOrDefault()?.Text}|{call.Id}:{call.FunctionName},{call.FunctionArguments}|{reply.FinishReason}|{reply.Usage.InputTokenCount}/{reply.Usage.OutputTokenCount}");
            }
        }

        Assert.Equal(results[0], results[1]);
        Assert.Contains("call_1:f", results[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cached_and_reasoning_token_counts_reach_the_client_on_both_paths(bool stream)
    {
        const string usage = """{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49,"prompt_tokens_details":{"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":5}}""";
        string[] chunks =
        [
            WireSamples.TextChunk("Hi"), WireSamples.TextChunk("", 0, "stop"),
            $$"""{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{{usage}}}""", "[DONE]",
        ];
        var completion = $$"""{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{{usage}}}""";
        foreach (var model in new[] { Model, TranslatedModel })
        {
            Upstream.Enqueue(stream ? RawAnswer.Events(chunks) : RawAnswer.Json(completion));
            var sdk = new ChatClient(model, new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(Server.BaseAddress, "/v1") });
            ChatTokenUsage? reported = null;
            if (stream)
            {
                await foreach (var update in sdk.CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
                    reported ??= update.Usage;
            }
            else
            {
                reported = (await sdk.CompleteChatAsync([new UserChatMessage("Hi")])).Value.Usage;
            }

            Assert.NotNull(reported);
            Assert.Equal((40, 9, 49), (reported.InputTokenCount, reported.OutputTokenCount, reported.TotalTokenCount));
            Assert.Equal(32, reported.InputTokenDetails?.CachedTokenCount);
            Assert.Equal(5, reported.OutputTokenDetails?.ReasoningTokenCount);
        }
    }

    [Fact]
    public async Task A_field_without_translation_is_refused_with_a_400_naming_it()
    {
        using var response = await PostAsync("""{"model":"mock/echo","messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}],"logprobs":true,"top_logprobs":2}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains("logprobs, top_logprobs, messages[0] content part type 'input_audio'", message, StringComparison.Ordinal);
        Assert.Contains("mock/echo", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N_of_two_on_a_translated_model_gives_two_choices_and_summed_usage()
    {
        using var plain = await PostAsync("""{"model":"mock/echo","n":2,"messages":[{"role":"user","content":"ping"}]}""");
        var completion = await plain.Content.ReadFromJsonAsync<JsonElement>();
        var choices = completion.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Contains("ping", c.GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal));

        using var single = await PostAsync("""{"model":"mock/echo","messages":[{"role":"user","content":"ping"}]}""");
        var one = (await single.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage").GetProperty("total_tokens").GetInt32();
        Assert.Equal(2 * one, completion.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        using var streamed = await PostAsync("""{"model":"mock/echo","n":2,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"ping"}]}""");
        var reply = await Sse.ReadAsync(streamed);
        var finishes = reply.Events.SelectMany(e => e.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String).Select(c => c.GetProperty("index").GetInt32());
        Assert.Equal([0, 1], finishes);
        Assert.True(reply.SawDone);
        Assert.Equal(2 * one, reply.Events[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }
}

/// <summary>With <c>DropUnsupportedParams</c> on, a translation drops what it cannot carry and says so in a header.</summary>
public sealed class DropParamsTests : RelayFixture
{
    protected override Dictionary<string, string?> Settings() => new() { ["Parley:Providers:mock:Kind"] = "mock", ["Parley:Providers:mock:DropUnsupportedParams"] = "true" };

    [Fact]
    public async Task Dropped_fields_are_listed_in_a_response_header()
    {
        using var response = await PostAsync("""{"model":"mock/echo","messages":[{"role":"user","content":"x"}],"logprobs":true,"service_tier":"flex"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("logprobs, service_tier", string.Join(",", response.Headers.GetValues("x-parley-dropped-params")));
    }
}
