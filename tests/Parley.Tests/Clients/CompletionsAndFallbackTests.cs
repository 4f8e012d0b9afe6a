using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary><c>/v1/completions</c> on the wire, and JSON (never the web app's HTML) for every request an API client makes to a path nothing serves.</summary>
public sealed class CompletionsAndFallbackTests : IAsyncLifetime
{
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync() => _server = await ParleyTestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_completion_answers_one_choice_per_prompt_with_usage()
    {
        var body = await (await _server.Client.PostAsJsonAsync("/v1/completions", new { model = "mock/echo", prompt = new[] { "def add(a, b):", "x = " }, echo = true }))
            .Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("def add(a, b):def add(a, b):", choices[0].GetProperty("text").GetString());
        Assert.Equal("stop", choices[0].GetProperty("finish_reason").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task A_streamed_completion_sends_text_chunks_then_finish_usage_and_done()
    {
        var reply = await Sse.PostAsync(_server.Client, "/v1/completions",
            new { model = "mock/echo", prompt = "one two three", stream = true, max_tokens = 2, stream_options = new { include_usage = true } });

        Assert.True(reply.SawDone);
        Assert.All(reply.Events, e => Assert.Equal("text_completion", e.GetProperty("object").GetString()));
        var texts = reply.Events.Where(e => e.GetProperty("choices").GetArrayLength() > 0).Select(e => e.GetProperty("choices")[0]).ToList();
        Assert.Equal("one two", string.Concat(texts.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal("length", texts[^1].GetProperty("finish_reason").GetString());
        Assert.Equal(2, reply.Events[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"model":"mock/echo","prompt":"a","suffix":"b"}""", "suffix")]
    [InlineData("""{"model":"mock/echo","prompt":"a","n":2}""", "n")]
    [InlineData("""{"model":"mock/echo","prompt":"a","logprobs":3}""", "logprobs")]
    [InlineData("""{"model":"mock/echo","prompt":[1,2,3]}""", "prompt")]
    [InlineData("""{"model":"mock/echo"}""", "prompt")]
    public async Task Unsupported_completion_parameters_are_refused_by_name(string json, string field)
    {
        var response = await _server.Client.PostAsync("/v1/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{field}'", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("POST", "/chat/completions", null, "openai")]
    [InlineData("POST", "/responses", null, "openai")]
    [InlineData("GET", "/models", "application/json", "openai")]
    [InlineData("POST", "/v1/nothing", null, "openai")]
    [InlineData("POST", "/messages", null, "anthropic")]
    [InlineData("POST", "/v1/messages/batches", null, "anthropic")]
    [InlineData("GET", "/somewhere", "application/json", "problem")]
    [InlineData("POST", "/c/abc", null, "problem")]
    public async Task Unknown_paths_answer_404_json_in_the_shape_of_the_api_they_point_to(string method, string path, string? accept, string shape)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = new StringContent("""{"model":"mock/echo"}""", System.Text.Encoding.UTF8, "application/json");
        if (accept is not null)
            request.Headers.Add("Accept", accept);
        var response = await _server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        switch (shape)
        {
            case "openai":
                Assert.Contains("no endpoint", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
                break;
            case "anthropic":
                Assert.Equal("not_found_error", body.GetProperty("error").GetProperty("type").GetString());
                break;
            default:
                Assert.Equal(404, body.GetProperty("status").GetInt32());
                break;
        }
    }

    [Fact]
    public async Task A_base_url_without_v1_is_told_how_to_fix_it()
    {
        var response = await _server.Client.PostAsJsonAsync("/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "hi" } } });
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("/v1", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browser_navigations_still_get_the_web_app()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/c/some-conversation");
        request.Headers.Add("Accept", "text/html,application/xhtml+xml");
        var response = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
