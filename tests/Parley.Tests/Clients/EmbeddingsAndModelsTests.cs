using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;
using OpenAI.Embeddings;
using OpenAI.Models;
using Parley.Tests.Fakes;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary><c>/v1/embeddings</c>, <c>/v1/models</c> and <c>/v1/models/{id}</c> through the OpenAI .NET SDK, against the mock and a fake OpenAI upstream.</summary>
public sealed class EmbeddingsAndModelsTests : IAsyncLifetime
{
    private FakeOpenAIServer _upstream = null!;
    private ParleyTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeOpenAIServer.StartAsync();
        _server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Providers:openai:Kind"] = "openai",
            ["Parley:Providers:openai:BaseUrl"] = _upstream.BaseUrl,
            ["Parley:Providers:openai:ApiKey"] = "sk-test",
            ["Parley:Providers:openai:Models:0"] = "gpt-4o-mini",
            ["Parley:Providers:openai:EmbeddingModels:0"] = "text-embedding-3-small",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private OpenAIClientOptions Options() => new() { Endpoint = new Uri(_server.BaseAddress, "/v1") };

    [Fact]
    public async Task The_mock_embedding_model_is_deterministic_with_stable_dimensions()
    {
        var client = new EmbeddingClient("mock/embed", new ApiKeyCredential("unused"), Options());
        OpenAIEmbeddingCollection first = await client.GenerateEmbeddingsAsync(["alpha", "beta"]);
        OpenAIEmbedding again = await client.GenerateEmbeddingAsync("alpha");

        Assert.Equal(2, first.Count);
        Assert.Equal(256, first[0].ToFloats().Length);
        Assert.Equal(first[0].ToFloats().ToArray(), again.ToFloats().ToArray());
        Assert.NotEqual(first[0].ToFloats().ToArray(), first[1].ToFloats().ToArray());
        Assert.Equal(1.0, Math.Sqrt(first[0].ToFloats().ToArray().Sum(v => (double)v * v)), 3);
        Assert.True(first.Usage.InputTokenCount > 0);

        OpenAIEmbedding small = await client.GenerateEmbeddingAsync("alpha", new EmbeddingGenerationOptions { Dimensions = 32 });
        Assert.Equal(32, small.ToFloats().Length);
    }

    [Fact]
    public async Task Base64_encoding_and_token_array_inputs()
    {
        var floats = await (await _server.Client.PostAsJsonAsync("/v1/embeddings", new { model = "mock/embed", input = "hello world" })).Content.ReadFromJsonAsync<JsonElement>();
        var encoded = await (await _server.Client.PostAsJsonAsync("/v1/embeddings", new { model = "mock/embed", input = "hello world", encoding_format = "base64" })).Content.ReadFromJsonAsync<JsonElement>();
        var bytes = Convert.FromBase64String(encoded.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
        Assert.Equal(floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()), decoded);

        // cl100k_base: "hello world" is [15339, 1917].
        var tokens = await (await _server.Client.PostAsJsonAsync("/v1/embeddings", new { model = "mock/embed", input = new[] { new[] { 15339, 1917 } } })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(decoded, tokens.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()));
    }

    [Fact]
    public async Task An_openai_embedding_model_is_served_by_the_upstream()
    {
        var client = new EmbeddingClient("openai/text-embedding-3-small", new ApiKeyCredential("unused"), Options());
        OpenAIEmbeddingCollection result = await client.GenerateEmbeddingsAsync(["abc", "de"], new EmbeddingGenerationOptions { Dimensions = 4 });

        Assert.Equal([3f, 0f, 0.5f, 0.5f], result[0].ToFloats().ToArray());
        Assert.Equal([2f, 1f, 0.5f, 0.5f], result[1].ToFloats().ToArray());
        var sent = _upstream.LastRequest.Root;
        Assert.Equal("text-embedding-3-small", sent.GetProperty("model").GetString());
        Assert.Equal(4, sent.GetProperty("dimensions").GetInt32());
        Assert.Equal("Bearer sk-test", _upstream.LastRequest.Header("Authorization"));
    }

    [Theory]
    [InlineData("""{"model":"mock/embed"}""", "input")]
    [InlineData("""{"model":"mock/embed","input":[]}""", "input")]
    [InlineData("""{"model":"mock/embed","input":[1.5]}""", "input")]
    [InlineData("""{"model":"mock/embed","input":"x","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"mock/embed","input":"x","dimensions":999}""", "dimensions")]
    [InlineData("""{"model":"mock/embed","input":"x","truncate":true}""", "truncate")]
    public async Task Bad_embedding_requests_are_400_naming_the_field(string json, string field)
    {
        var response = await _server.Client.PostAsync("/v1/embeddings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{field}'", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_embedding_model_is_404()
    {
        var response = await _server.Client.PostAsJsonAsync("/v1/embeddings", new { model = "mock/echo", input = "x" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Models_are_listed_and_retrieved_by_id_raw_or_encoded()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential("unused"), Options());
        OpenAIModelCollection models = await client.GetModelsAsync();
        Assert.Contains(models, m => m.Id == "mock/echo");
        Assert.Contains(models, m => m.Id == "mock/embed");
        Assert.Contains(models, m => m.Id == "openai/text-embedding-3-small");

        OpenAIModel echo = await client.GetModelAsync("mock/echo");
        Assert.Equal("mock/echo", echo.Id);
        Assert.Equal("mock", echo.OwnedBy);

        var encoded = await _server.Client.GetFromJsonAsync<JsonElement>("/v1/models/mock%2Fecho");
        Assert.Equal("mock/echo", encoded.GetProperty("id").GetString());
        var raw = await _server.Client.GetFromJsonAsync<JsonElement>("/v1/models/openai/gpt-4o-mini");
        Assert.Equal("openai", raw.GetProperty("owned_by").GetString());

        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("mock/nothing"));
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task A_narrowed_key_sees_and_embeds_only_its_models()
    {
        await using var server = await AccountsServer.StartAsync(new Dictionary<string, string?> { ["Parley:Providers:other:Kind"] = "mock" });
        using var client = server.ClientWithKey(await server.CreateKeyAsync(AccountsServer.Admin, models: ["other/*"]));

        var listed = await client.GetFromJsonAsync<JsonElement>("/v1/models");
        var ids = listed.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("other/echo", ids);
        Assert.Contains("other/embed", ids);
        Assert.DoesNotContain("mock/echo", ids);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v1/models/mock/echo")).StatusCode);

        var refused = await client.PostAsJsonAsync("/v1/embeddings", new { model = "mock/embed", input = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/embeddings", new { model = "other/embed", input = "x" })).StatusCode);
    }

    [Fact]
    public async Task Anthropic_clients_get_the_model_list_in_anthropics_shape()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("anthropic-version", "2023-06-01");
        var body = await (await _server.Client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var first = body.GetProperty("data")[0];
        Assert.Equal("model", first.GetProperty("type").GetString());
        Assert.False(body.GetProperty("has_more").GetBoolean());
    }
}
