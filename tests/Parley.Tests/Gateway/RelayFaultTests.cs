using System.ClientModel;
using System.Net;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Gateway;

/// <summary>Upstream failures on the relay path: what the client sees, and that what was streamed is still accounted.</summary>
public sealed class RelayFaultTests : RelayFixture
{
    private const string StreamBody = """{"model":"openai/gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""";

    [Fact]
    public async Task An_upstream_4xx_reaches_the_client_with_its_status_and_message_in_openai_shape()
    {
        Upstream.Enqueue(RawAnswer.Json("""{"error":{"message":"Invalid value for 'top_logprobs': must be <= 20.","type":"invalid_request_error","param":"top_logprobs","code":null}}""", 400));
        var sdk = new ChatClient(Model, new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(Server.BaseAddress, "/v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("Invalid value for 'top_logprobs': must be <= 20.", error.Message, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content);
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_error_event_mid_stream_ends_the_stream_with_an_error_event_not_a_silent_done()
    {
        Upstream.Enqueue(RawAnswer.Events([WireSamples.TextChunk("Hel"), """{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"""]));

        var reply = await ReadStreamAsync();

        Assert.StartsWith("data: " + WireSamples.TextChunk("Hel") + "\n\n", reply.Raw, StringComparison.Ordinal);
        var error = Assert.Single(reply.Events, e => e.TryGetProperty("error", out _));
        Assert.Equal("provider_unavailable", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Single(Upstream.Requests); // nothing is retried once bytes reached the client
    }

    [Fact]
    public async Task A_truncated_stream_ends_with_an_error_event_and_its_tokens_are_still_counted()
    {
        Upstream.Enqueue(RawAnswer.Events([WireSamples.TextChunk("Hello there, general"), WireSamples.TextChunk(" Kenobi")], abort: true));

        var reply = await ReadStreamAsync();

        Assert.Contains("Hello there, general", reply.Raw, StringComparison.Ordinal);
        Assert.Contains(reply.Events, e => e.TryGetProperty("error", out _));
        var totals = await UsageTotalsAsync();
        Assert.True(totals.GetProperty("completionTokens").GetInt32() > 0);
        Assert.Equal(1, totals.GetProperty("errors").GetInt32());
    }

    [Fact]
    public async Task Invalid_json_from_the_upstream_ends_the_stream_with_an_error_event()
    {
        Upstream.Enqueue(RawAnswer.Events([WireSamples.TextChunk("ok"), "{\"choices\":[{\"delta\":{\"content\":\"br", "[DONE]"]));

        var reply = await ReadStreamAsync();

        Assert.Contains(reply.Events, e => e.TryGetProperty("error", out var error) && error.GetProperty("message").GetString()!.Contains("invalid JSON", StringComparison.Ordinal));
        Assert.DoesNotContain("\"br", reply.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_without_done_is_not_passed_off_as_complete()
    {
        Upstream.Enqueue(RawAnswer.Events([WireSamples.TextChunk("partial")]));

        var reply = await ReadStreamAsync();

        Assert.Contains(reply.Events, e => e.TryGetProperty("error", out _));
    }

    private async Task<Sse.SseReply> ReadStreamAsync()
    {
        using var response = await PostAsync(StreamBody);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Sse.ReadAsync(response);
    }

    private async Task<JsonElement> UsageTotalsAsync()
    {
        for (var i = 0; i < 50; i++)
        {
            var totals = JsonDocument.Parse(await Server.Client.GetStringAsync("/api/usage?groupBy=model")).RootElement.GetProperty("totals");
            if (totals.GetProperty("requests").GetInt32() > 0)
                return totals.Clone();
            await Task.Delay(100);
        }
        throw new TimeoutException("No usage row was recorded.");
    }
}
