#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Responses;
using Parley.Tests.Fakes;

namespace Parley.Tests.Gateway;

/// <summary>
/// <c>/v1/responses</c> relayed to an OpenAI-compatible upstream that serves the Responses API (<c>ServesResponses</c>),
/// driven by the OpenAI .NET SDK: the body goes up as sent (model aside), the upstream's bytes come back as sent, usage is
/// recorded (also for a cut stream), errors keep their status, and the relayed responses are stored for the caller.
/// </summary>
public sealed class ResponsesRelayTests : RelayFixture
{
    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Parley:Providers:openai:ServesResponses"] = "true",
        ["Parley:Providers:chatonly:Kind"] = "openai",
        ["Parley:Providers:chatonly:BaseUrl"] = Upstream.BaseUrl,
        ["Parley:Providers:chatonly:Models:0"] = "gpt-4o-mini",
    };

    private (ResponsesClient Client, RecordingHandler Recorder) Sdk()
    {
        var recorder = new RecordingHandler { InnerHandler = new SocketsHttpHandler() };
        var options = new ResponsesClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "/v1"),
            Transport = new HttpClientPipelineTransport(new HttpClient(recorder)),
            RetryPolicy = new ClientRetryPolicy(0),
        };
        return (new ResponsesClient(new ApiKeyCredential("unused"), options), recorder);
    }

    [Fact]
    public async Task The_body_goes_upstream_as_sent_and_the_upstream_response_comes_back_and_is_stored()
    {
        Upstream.Enqueue(RawAnswer.Json(ResponsesWire.Response()));
        var (sdk, recorder) = Sdk();
        var options = new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("say hello")])
        {
            Instructions = "be brief", MaxOutputTokenCount = 50, Temperature = 0.2f, Metadata = { ["ticket"] = "7" },
        };

        ResponseResult response = await sdk.CreateResponseAsync(options);

        var (path, body, authorization) = Assert.Single(Upstream.Requests);
        Assert.Equal("/v1/responses", path);
        Assert.Equal("Bearer sk-upstream-secret", authorization);
        Assert.Equal(Upstreamed(recorder.LastBody!), body);
        Assert.Equal(ResponsesWire.Id, response.Id);
        Assert.Equal("Hello world", response.GetOutputText());
        Assert.Equal(11, response.Usage.InputTokenCount);
        Assert.Equal(7, response.Usage.OutputTokenCount);
        Assert.Equal(2, response.Usage.OutputTokenDetails.ReasoningTokenCount);

        Assert.Equal(1, StoredRows(ResponsesWire.Id));
        ResponseResult fetched = await sdk.GetResponseAsync(ResponsesWire.Id);
        Assert.Equal("Hello world", fetched.GetOutputText());
        var items = new List<ResponseItem>();
        await foreach (var item in sdk.GetResponseInputItemsAsync(new ResponseItemCollectionOptions(ResponsesWire.Id)))
            items.Add(item);
        Assert.Equal("say hello", Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(items)).Content[0].Text);
        await sdk.DeleteResponseAsync(ResponsesWire.Id);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => sdk.GetResponseAsync(ResponsesWire.Id));
        Assert.Equal(404, gone.Status);
        Assert.Single(Upstream.Requests);
    }

    [Fact]
    public async Task Streamed_bytes_pass_through_unchanged_and_usage_is_recorded()
    {
        var frames = ResponsesWire.Stream();
        Upstream.Enqueue(new RawAnswer(200, "text/event-stream", frames), new RawAnswer(200, "text/event-stream", frames));
        var client = """{"model":"openai/gpt-4o-mini","stream":true,"input":"say hello","unknown_future_field":{"x":1}}""";

        using var raw = await PostResponsesAsync(client);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(string.Concat(frames), await raw.Content.ReadAsStringAsync());
        Assert.Equal(Upstreamed(client), Upstream.LastBody);

        var (sdk, _) = Sdk();
        var updates = new List<StreamingResponseUpdate>();
        var result = await sdk.CreateResponseStreamingAsync(new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("again")]) { StreamingEnabled = true });
        await foreach (var update in result)
            updates.Add(update);
        Assert.Equal("Hello world", string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        Assert.Equal(Enumerable.Range(0, frames.Count), updates.Select(u => u.SequenceNumber));
        Assert.Equal(7, Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]).Response.Usage.OutputTokenCount);

        var totals = JsonDocument.Parse(await Server.Client.GetStringAsync("/api/usage?groupBy=model")).RootElement.GetProperty("totals");
        Assert.Equal(36, totals.GetProperty("totalTokens").GetInt32());
        Assert.Equal(14, totals.GetProperty("completionTokens").GetInt32());
        ResponseResult stored = await sdk.GetResponseAsync(ResponsesWire.Id);
        Assert.Equal("Hello world", stored.GetOutputText());
        Assert.Equal(1, StoredRows(ResponsesWire.Id));
    }

    [Fact]
    public async Task A_cut_stream_ends_with_an_error_event_after_the_relayed_ones_and_is_still_charged()
    {
        var frames = ResponsesWire.Stream(cutAfter: 6);
        Upstream.Enqueue(new RawAnswer(200, "text/event-stream", frames, Abort: true));

        using var raw = await PostResponsesAsync("""{"model":"openai/gpt-4o-mini","stream":true,"input":"say hello"}""");
        var text = await raw.Content.ReadAsStringAsync();

        Assert.StartsWith(string.Concat(frames), text, StringComparison.Ordinal);
        var last = text[string.Concat(frames).Length..];
        Assert.StartsWith("event: error\n", last, StringComparison.Ordinal);
        var error = JsonDocument.Parse(last[(last.IndexOf("data: ", StringComparison.Ordinal) + 6)..].Trim()).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(6, error.GetProperty("sequence_number").GetInt32());
        var totals = JsonDocument.Parse(await Server.Client.GetStringAsync("/api/usage?groupBy=model")).RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("completionTokens").GetInt32() > 0, totals.ToString());
        Assert.True(totals.GetProperty("promptTokens").GetInt32() > 0, totals.ToString());
    }

    [Fact]
    public async Task An_upstream_4xx_reaches_the_client_with_its_status_in_openai_shape()
    {
        const string refusal = """{"error":{"message":"Unknown parameter: 'input[0].colour'.","type":"invalid_request_error","param":"input[0].colour","code":"unknown_parameter"}}""";
        Upstream.Enqueue(RawAnswer.Json(refusal, 400), RawAnswer.Json(refusal, 400));

        using var raw = await PostResponsesAsync("""{"model":"openai/gpt-4o-mini","input":"x"}""");
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);
        var error = JsonDocument.Parse(await raw.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Contains("Unknown parameter: 'input[0].colour'.", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var (sdk, _) = Sdk();
        var thrown = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CreateResponseStreamingAsync(
            new CreateResponseOptions(Model, [ResponseItem.CreateUserMessageItem("x")]) { StreamingEnabled = true }));
        Assert.Equal(400, thrown.Status);
    }

    [Fact]
    public async Task Previous_response_id_of_a_relayed_response_is_relayed_and_an_unknown_one_never_leaves()
    {
        Upstream.Enqueue(RawAnswer.Json(ResponsesWire.Response()), RawAnswer.Json(ResponsesWire.Response("Again")));
        var (sdk, recorder) = Sdk();
        ResponseResult first = await sdk.CreateResponseAsync(Model, "first", previousResponseId: null);
        ResponseResult second = await sdk.CreateResponseAsync(Model, "second", first.Id);

        Assert.Equal("Again", second.GetOutputText());
        Assert.Equal(Upstreamed(recorder.LastBody!), Upstream.LastBody);
        Assert.Contains($"\"previous_response_id\":\"{ResponsesWire.Id}\"", Upstream.LastBody, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => sdk.CreateResponseAsync(Model, "third", "resp_someone_elses"));
        Assert.Equal(400, unknown.Status);
        Assert.Equal(2, Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_provider_whose_upstream_does_not_serve_the_responses_api_gets_chat_completions()
    {
        Upstream.Enqueue(RawAnswer.Json(WireSamples.EveryResponseField));
        var (sdk, _) = Sdk();

        ResponseResult response = await sdk.CreateResponseAsync("chatonly/gpt-4o-mini", "capital of France?", previousResponseId: null);

        Assert.Equal("/v1/chat/completions", Assert.Single(Upstream.Requests).Path);
        Assert.StartsWith("resp_", response.Id, StringComparison.Ordinal);
        Assert.NotEqual(ResponsesWire.Id, response.Id);
    }

    /// <summary>Rows for <paramref name="id"/> in the server's SQLite file, stored as relayed by provider <c>openai</c>.</summary>
    private long StoredRows(string id) => Retention.SqliteRows.Count(Path.Combine(Server.DataDirectory, "parley.db"),
        "SELECT COUNT(*) FROM stored_responses WHERE id = $id AND relayed_by = 'openai' AND owner = 'local'", ("$id", id));

    private async Task<HttpResponseMessage> PostResponsesAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await Server.Client.SendAsync(request);
    }

    /// <summary>Keeps the last request body the SDK sent.</summary>
    private sealed class RecordingHandler : DelegatingHandler
    {
        public string? LastBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
                LastBody = await request.Content.ReadAsStringAsync(cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
