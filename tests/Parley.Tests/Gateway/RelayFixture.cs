using System.Net.Http.Headers;
using System.Text;
using Parley.Tests.Fakes;
using Parley.Tests.Support;

namespace Parley.Tests.Gateway;

/// <summary>
/// A byte-recording OpenAI-compatible upstream and a real Parley whose provider <c>openai</c> relays to it; provider
/// <c>translated</c> points at the same upstream with relaying off, so both paths can be compared on one fake.
/// </summary>
public abstract class RelayFixture : IAsyncLifetime
{
    protected const string Model = "openai/gpt-4o-mini";

    protected const string TranslatedModel = "translated/gpt-4o-mini";

    protected RawOpenAIUpstream Upstream { get; private set; } = null!;

    protected ParleyTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await RawOpenAIUpstream.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Providers:openai:Kind"] = "openai",
            ["Parley:Providers:openai:BaseUrl"] = Upstream.BaseUrl,
            ["Parley:Providers:openai:ApiKey"] = "sk-upstream-secret",
            ["Parley:Providers:openai:Models:0"] = "gpt-4o-mini",
            ["Parley:Providers:openai:TimeoutSeconds"] = "5",
            ["Parley:Providers:translated:Kind"] = "openai",
            ["Parley:Providers:translated:BaseUrl"] = Upstream.BaseUrl,
            ["Parley:Providers:translated:Relay"] = "false",
            ["Parley:Providers:translated:Models:0"] = "gpt-4o-mini",
            ["Parley:Resilience:MaxRetries"] = "0",
        };
        foreach (var (key, value) in Settings())
            settings[key] = value;
        Server = await ParleyTestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>More configuration for a test class.</summary>
    protected virtual Dictionary<string, string?> Settings() => [];

    protected async Task<HttpResponseMessage> PostAsync(string json, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        configure?.Invoke(request);
        return await Server.Client.SendAsync(request);
    }

    /// <summary>The body the client sent, as the upstream must receive it: only the model id rewritten.</summary>
    protected static string Upstreamed(string clientBody, string model = Model) =>
        clientBody.Replace($"\"model\":\"{model}\"", $"\"model\":\"{model[(model.IndexOf('/') + 1)..]}\"", StringComparison.Ordinal);

    protected static IEnumerable<string> Frames(IEnumerable<string> data) => data.Select(d => $"data: {d}\n\n");
}
