using Parley.Tests.Fakes;

namespace Parley.Tests.Support;

/// <summary>
/// A fake OpenAI upstream and a real Parley server whose default model, <see cref="Model"/>, is served by it.
/// Base class for integration tests of the pipeline's middleware (resilience, cache, ...).
/// </summary>
public abstract class OpenAIUpstreamFixture : IAsyncLifetime
{
    protected const string Model = "openai/gpt-4o-mini";

    protected FakeOpenAIServer Upstream { get; private set; } = null!;

    protected ParleyTestServer? Server { get; private set; }

    /// <summary>Chat completion requests the upstream received.</summary>
    protected int UpstreamCalls => Upstream.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));

    public async Task InitializeAsync() => Upstream = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (Server is not null)
            await Server.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    /// <summary>Starts Parley with the OpenAI provider on the fake (5 s provider timeout) plus <paramref name="settings"/>.</summary>
    protected async Task<ParleyTestServer> StartParleyAsync(Dictionary<string, string?> settings, Dictionary<string, string?>? environment = null)
    {
        var all = new Dictionary<string, string?> { ["Parley:Providers:openai:TimeoutSeconds"] = "5" };
        foreach (var (key, value) in settings)
            all[key] = value;
        var variables = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-test-secret",
            ["OPENAI_API_BASE"] = Upstream.BaseUrl,
            ["OPENAI_MODEL"] = "gpt-4o-mini",
        };
        foreach (var (key, value) in environment ?? [])
            variables[key] = value;
        Server = await ParleyTestServer.StartAsync(all, variables);
        return Server;
    }
}
