#pragma warning disable OPENAI001 // the SDK marks seed, reasoning effort, developer messages and annotations as evaluation-only; they are what is tested
using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Gateway;

/// <summary>
/// <c>/v1/chat/completions</c> to an OpenAI-compatible provider: the upstream receives the client's body byte for byte
/// (only the model id rewritten) and the client receives the upstream's bytes, non-streamed and streamed.
/// </summary>
public sealed class LosslessRelayTests : RelayFixture
{
    [Fact]
    public async Task Every_request_field_reaches_the_upstream_and_every_response_byte_comes_back()
    {
        Upstream.Enqueue(RawAnswer.Json(WireSamples.EveryResponseField));

        using var response = await PostAsync(WireSamples.EveryRequestField);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Upstreamed(WireSamples.EveryRequestField), Upstream.LastBody);
        Assert.Equal("Bearer sk-upstream-secret", Upstream.Requests[^1].Authorization);
        Assert.Equal("/v1/chat/completions", Upstream.Requests[^1].Path);
        Assert.Equal(WireSamples.EveryResponseField, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_stream_comes_back_byte_for_byte_when_the_client_asked_for_usage()
    {
        var chunks = WireSamples.EveryChunkField();
        Upstream.Enqueue(RawAnswer.Events(chunks));
        var body = WireSamples.EveryRequestField.Replace("\"n\":1", "\"n\":1,\"stream\":true,\"stream_options\":{\"include_usage\":true}", StringComparison.Ordinal);

        using var response = await PostAsync(body);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(string.Concat(Frames(chunks)), await response.Content.ReadAsStringAsync());
        Assert.Equal(Upstreamed(body), Upstream.LastBody);
    }

    [Fact]
    public async Task Without_stream_options_parley_asks_for_usage_and_keeps_the_usage_event_from_the_client()
    {
        var chunks = WireSamples.EveryChunkField();
        Upstream.Enqueue(RawAnswer.Events(chunks));
        const string body = """{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hi"}],"logprobs":true}""";

        using var response = await PostAsync(body);

        var expected = Frames(chunks.Where(c => !c.Contains("\"choices\":[]", StringComparison.Ordinal)));
        Assert.Equal(string.Concat(expected), await response.Content.ReadAsStringAsync());
        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hi"}],"logprobs":true}""", Upstream.LastBody);
        var usage = await UsageAsync();
        Assert.Equal(17, usage.GetProperty("totalTokens").GetInt32());
    }

    [Fact]
    public async Task The_openai_sdk_sends_the_same_body_through_parley_as_directly_and_sees_every_response_field()
    {
        var options = new ChatCompletionOptions
        {
            IncludeLogProbabilities = true,
            TopLogProbabilityCount = 2,
            AllowParallelToolCalls = false,
            Seed = 7,
            EndUserId = "u-42",
            StoredOutputEnabled = true,
            ReasoningEffortLevel = ChatReasoningEffortLevel.Low,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("r", BinaryData.FromString("""{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}"""), jsonSchemaIsStrict: true),
            Tools = { ChatTool.CreateFunctionTool("f", "d", BinaryData.FromString("""{"type":"object","properties":{},"additionalProperties":false}"""), functionSchemaIsStrict: true) },
            Metadata = { ["team"] = "a" },
        };
        ChatMessage[] messages =
        [
            new DeveloperChatMessage("Be brief."),
            new UserChatMessage(ChatMessageContentPart.CreateTextPart("Hi"), ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png"), ChatImageDetailLevel.Low)),
        ];
        Upstream.Enqueue(RawAnswer.Json(WireSamples.EveryResponseField), RawAnswer.Json(WireSamples.EveryResponseField));

        await Sdk(Upstream.BaseUrl, "gpt-4o-mini").CompleteChatAsync(messages, options);
        var direct = Upstream.LastBody;
        ChatCompletion completion = await Sdk(new Uri(Server.BaseAddress, "/v1").ToString(), Model).CompleteChatAsync(messages, options);

        Assert.Equal(direct, Upstream.LastBody);
        Assert.Equal("Hi there", completion.Content[0].Text);
        Assert.Equal("fp_abc", completion.SystemFingerprint);
        Assert.Equal("gpt-4o-mini-2024-07-18", completion.Model);
        Assert.Equal(-0.1f, completion.ContentTokenLogProbabilities[0].LogProbability, 3);
        Assert.Equal(8, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(3, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Equal("https://example.com/", completion.Annotations[0].WebResourceUri.ToString());
    }

    [Fact]
    public async Task The_openai_sdk_streams_through_parley_with_logprobs_and_usage_details()
    {
        Upstream.Enqueue(RawAnswer.Events(WireSamples.EveryChunkField()));
        var client = Sdk(new Uri(Server.BaseAddress, "/v1").ToString(), Model);

        var text = "";
        var logprobs = 0;
        ChatTokenUsage? usage = null;
        string? fingerprint = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { IncludeLogProbabilities = true }))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            logprobs += update.ContentTokenLogProbabilities.Count;
            usage ??= update.Usage;
            fingerprint ??= update.SystemFingerprint;
        }

        Assert.Equal("Hi there", text);
        Assert.Equal(2, logprobs);
        Assert.Equal("fp_abc", fingerprint);
        Assert.Equal(8, usage?.InputTokenDetails.CachedTokenCount);
        Assert.Equal(3, usage?.OutputTokenDetails.ReasoningTokenCount);
        using var sent = JsonDocument.Parse(Upstream.LastBody);
        Assert.True(sent.RootElement.GetProperty("logprobs").GetBoolean());
    }

    [Fact]
    public async Task N_of_two_is_relayed_and_both_choices_come_back_streamed_and_not()
    {
        const string twoChoices = """{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"A"},"finish_reason":"stop"},{"index":1,"message":{"role":"assistant","content":"B"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";
        string[] streamed = [WireSamples.TextChunk("A", 0), WireSamples.TextChunk("B", 1), WireSamples.TextChunk("", 0, "stop"), WireSamples.TextChunk("", 1, "stop"), WireSamples.UsageChunk(3, 2), "[DONE]"];
        Upstream.Enqueue(RawAnswer.Json(twoChoices), RawAnswer.Events(streamed));

        using var plain = await PostAsync("""{"model":"openai/gpt-4o-mini","n":2,"messages":[{"role":"user","content":"x"}]}""");
        using var stream = await PostAsync("""{"model":"openai/gpt-4o-mini","n":2,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(twoChoices, await plain.Content.ReadAsStringAsync());
        Assert.Equal(string.Concat(Frames(streamed)), await stream.Content.ReadAsStringAsync());
        Assert.All(Upstream.Requests, r => Assert.Contains("\"n\":2", r.Body, StringComparison.Ordinal));
    }

    private async Task<JsonElement> UsageAsync()
    {
        // Usage rows are written in the background; they are there within a second.
        for (var i = 0; i < 50; i++)
        {
            var report = JsonDocument.Parse(await Server.Client.GetStringAsync("/api/usage?groupBy=model")).RootElement;
            var totals = report.GetProperty("totals");
            if (totals.GetProperty("requests").GetInt32() > 0)
                return totals;
            await Task.Delay(100);
        }
        throw new TimeoutException("No usage row was recorded.");
    }

    private static ChatClient Sdk(string endpoint, string model) =>
        new(model, new ApiKeyCredential("sk-client"), new OpenAIClientOptions { Endpoint = new Uri(endpoint), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });
}
