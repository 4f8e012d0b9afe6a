#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Responses;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary><c>/v1/responses</c> driven by the official OpenAI .NET SDK's <see cref="ResponsesClient"/> against the mock provider.</summary>
public sealed class ResponsesApiTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ResponsesClient Sdk() => new(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

    [Fact]
    public async Task Create_returns_a_completed_response_with_output_text_and_usage()
    {
        ResponseResult response = await Sdk().CreateResponseAsync("mock/echo", "hello responses", previousResponseId: null);

        Assert.StartsWith("resp_", response.Id);
        Assert.Equal(ResponseStatus.Completed, response.Status);
        Assert.Equal("hello responses", response.GetOutputText());
        Assert.Equal("mock/echo", response.Model);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.Equal(2, response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Streaming_sends_the_real_event_sequence_with_sequence_numbers()
    {
        var updates = new List<StreamingResponseUpdate>();
        var result = await Sdk().CreateResponseStreamingAsync(new CreateResponseOptions("mock/echo", [ResponseItem.CreateUserMessageItem("stream these words")]) { StreamingEnabled = true });
        await foreach (var update in result)
            updates.Add(update);

        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        Assert.IsType<StreamingResponseInProgressUpdate>(updates[1]);
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.SequenceNumber));
        Assert.Equal("stream these words", string.Concat(updates.OfType<StreamingResponseOutputTextDeltaUpdate>().Select(u => u.Delta)));
        Assert.Equal("stream these words", Assert.Single(updates.OfType<StreamingResponseOutputTextDoneUpdate>()).Text);
        var completed = Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
        Assert.Equal("stream these words", completed.Response.GetOutputText());
        Assert.Equal(3, completed.Response.Usage.OutputTokenCount);

        // The raw frames: each names its event, and the data's type matches the name.
        var (_, events) = await NamedSse.PostAsync(_server.Client, "/v1/responses", """{"model":"mock/echo","input":"a b","stream":true}""");
        Assert.Equal(
            ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
             "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Function_tools_round_trip_with_previous_response_id()
    {
        var sdk = Sdk();
        var options = new CreateResponseOptions("mock/echo", [ResponseItem.CreateUserMessageItem("time? [[mock:tool current_time {\"zone\":\"UTC\"}]]")])
        {
            Tools = { ResponseTool.CreateFunctionTool("current_time", BinaryData.FromString("""{"type":"object","properties":{"zone":{"type":"string"}}}"""), strictModeEnabled: false, "Tells the time") },
        };
        ResponseResult first = await sdk.CreateResponseAsync(options);
        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(first.OutputItems));
        Assert.Equal("current_time", call.FunctionName);
        Assert.Equal("UTC", JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("zone").GetString());

        var next = new CreateResponseOptions("mock/echo", [ResponseItem.CreateFunctionCallOutputItem(call.CallId, "12:00")]) { PreviousResponseId = first.Id };
        ResponseResult second = await sdk.CreateResponseAsync(next);
        Assert.Equal("The tool returned: 12:00", second.GetOutputText());
        Assert.Equal(first.Id, second.PreviousResponseId);
    }

    [Fact]
    public async Task Streamed_function_calls_arrive_as_argument_events()
    {
        var result = await Sdk().CreateResponseStreamingAsync(new CreateResponseOptions("mock/echo", [ResponseItem.CreateUserMessageItem("[[mock:tool lookup {\"q\":1}]]")])
        {
            Tools = { ResponseTool.CreateFunctionTool("lookup", BinaryData.FromString("""{"type":"object"}"""), strictModeEnabled: null) },
            StreamingEnabled = true,
        });
        var updates = new List<StreamingResponseUpdate>();
        await foreach (var update in result)
            updates.Add(update);

        var done = Assert.Single(updates.OfType<StreamingResponseFunctionCallArgumentsDoneUpdate>());
        Assert.Equal("""{"q":1}""", done.FunctionArguments.ToString());
        var added = updates.OfType<StreamingResponseOutputItemAddedUpdate>().Select(u => u.Item).OfType<FunctionCallResponseItem>().Single();
        Assert.Equal("lookup", added.FunctionName);
        Assert.IsType<StreamingResponseCompletedUpdate>(updates[^1]);
    }

    [Fact]
    public async Task Previous_response_id_continues_the_conversation_and_instructions_are_not_carried()
    {
        var sdk = Sdk();
        ResponseResult first = await sdk.CreateResponseAsync(new CreateResponseOptions("mock/echo", [ResponseItem.CreateUserMessageItem("first turn")]) { Instructions = "be terse" });
        ResponseResult second = await sdk.CreateResponseAsync("mock/echo", "second turn", first.Id);
        Assert.Equal("second turn", second.GetOutputText());

        // The mock counts prompt tokens over the whole history: the second call saw the first exchange.
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount);
    }

    [Fact]
    public async Task Stored_responses_can_be_retrieved_listed_and_deleted()
    {
        var sdk = Sdk();
        ResponseResult created = await sdk.CreateResponseAsync(new CreateResponseOptions("mock/echo",
            [ResponseItem.CreateUserMessageItem("one"), ResponseItem.CreateUserMessageItem("two")]) { Metadata = { ["ticket"] = "42" } });

        ResponseResult fetched = await sdk.GetResponseAsync(created.Id);
        Assert.Equal(created.Id, fetched.Id);
        Assert.Equal("two", fetched.GetOutputText());
        Assert.Equal("42", fetched.Metadata["ticket"]);

        var items = new List<ResponseItem>();
        await foreach (var item in sdk.GetResponseInputItemsAsync(new ResponseItemCollectionOptions(created.Id) { Order = ResponseItemCollectionOrder.Ascending }))
            items.Add(item);
        Assert.Equal(["one", "two"], items.Cast<MessageResponseItem>().Select(m => m.Content[0].Text));

        ResponseDeletionResult deleted = await sdk.DeleteResponseAsync(created.Id);
        Assert.True(deleted.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => sdk.GetResponseAsync(created.Id));
        Assert.Equal(404, gone.Status);
    }

    [Fact]
    public async Task Store_false_is_not_kept()
    {
        var response = await _server.Client.PostAsJsonAsync("/v1/responses", new { model = "mock/echo", input = "x", store = false });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Client.GetAsync($"/v1/responses/{id}")).StatusCode);
    }

    [Fact]
    public async Task Structured_output_is_echoed_and_max_output_tokens_makes_the_response_incomplete()
    {
        var response = await _server.Client.PostAsJsonAsync("/v1/responses", new
        {
            model = "mock/echo",
            input = "one two three four",
            max_output_tokens = 2,
            text = new { format = new { type = "json_schema", name = "answer", schema = new { type = "object" } } },
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("incomplete", body.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", body.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("json_schema", body.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"mock/echo"}""", "input")]
    [InlineData("""{"model":"mock/echo","input":[{"type":"function_call_output","call_id":"call_nope","output":"x"}]}""", "input[0].call_id")]
    [InlineData("""{"model":"mock/echo","input":[{"role":"user","content":[{"type":"input_audio","data":"x"}]}]}""", "input[0].content[0].type")]
    [InlineData("""{"model":"mock/echo","input":[{"type":"computer_call"}]}""", "input[0].type")]
    [InlineData("""{"model":"mock/echo","input":"x","tools":[{"type":"web_search"}]}""", "tools[0].type")]
    [InlineData("""{"model":"mock/echo","input":"x","temperature":7}""", "temperature")]
    [InlineData("""{"model":"mock/echo","input":"x","frobnicate":true}""", "frobnicate")]
    [InlineData("""{"model":"mock/echo","input":"x","previous_response_id":"resp_missing"}""", "previous_response_id")]
    [InlineData("""{"model":"mock/echo","input":"x","text":{"format":{"type":"yaml"}}}""", "text.format.type")]
    public async Task Bad_input_is_a_400_in_openai_shape_naming_the_field(string json, string field)
    {
        var response = await _server.Client.PostAsync("/v1/responses", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains($"'{field}'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_failure_before_the_first_event_is_an_http_error_the_sdk_raises()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => Sdk().CreateResponseStreamingAsync(
            new CreateResponseOptions("mock/echo", [ResponseItem.CreateUserMessageItem("x [[mock:error 429]]")]) { StreamingEnabled = true }));
        Assert.Equal(429, error.Status);
    }

    [Fact]
    public async Task Stored_responses_belong_to_their_owner()
    {
        await using var server = await AccountsServer.StartAsync();
        using var alice = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin));
        var created = await alice.PostAsJsonAsync("/v1/responses", new { model = "mock/echo", input = "mine" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var identity = server.Services.GetService(typeof(Parley.Identity.IdentityService)) as Parley.Identity.IdentityService;
        await identity!.CreateUserAsync("bob", "bob-password-long", isAdmin: false);
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/v1/responses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/v1/responses/{id}")).StatusCode);
        var continued = await bob.PostAsJsonAsync("/v1/responses", new { model = "mock/echo", input = "x", previous_response_id = id });
        Assert.Equal(HttpStatusCode.BadRequest, continued.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/v1/responses/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_key_limited_to_other_models_is_refused()
    {
        await using var server = await AccountsServer.StartAsync(new Dictionary<string, string?> { ["Parley:Providers:other:Kind"] = "mock" });
        using var client = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin, models: ["other/*"]));
        var response = await client.PostAsJsonAsync("/v1/responses", new { model = "mock/echo", input = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("model_not_allowed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }
}
