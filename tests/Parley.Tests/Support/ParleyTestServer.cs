using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Hosting;

namespace Parley.Tests.Support;

/// <summary>
/// The real Parley server (Kestrel, real sockets, real SQLite file) on 127.0.0.1 with a free port.
/// Settings override configuration; <c>environment</c> stands in for process variables (seed names).
/// </summary>
public sealed class ParleyTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ParleyTestServer(WebApplication app, Uri baseAddress, string dataDirectory, bool ownsDirectory)
    {
        _app = app;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        OwnsDirectory = ownsDirectory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    private bool OwnsDirectory { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ParleyTestServer> StartAsync(
        IDictionary<string, string?>? settings = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? dataDirectory = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var ownsDirectory = dataDirectory is null;
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        configureServices?.Invoke(builder.Services);
        builder.AddParley(environment ?? new Dictionary<string, string?>());
        var defaults = new Dictionary<string, string?>
        {
            ["Parley:DataDirectory"] = dataDirectory,
            ["Mock:FirstTokenDelayMs"] = "0",
            ["Mock:TokensPerSecond"] = "0",
            // Suites that count upstream calls or notices expect one call per reply; ModelTitleTests turns titles on.
            ["Parley:Titles:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            defaults[key] = value;
        builder.Configuration.AddInMemoryCollection(defaults);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        var app = builder.Build();
        app.MapParley();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ParleyTestServer(app, new Uri(address), dataDirectory, ownsDirectory);
    }

    public async Task<string> CreateConversationAsync(object? body = null)
    {
        var response = await Client.PostAsJsonAsync("/api/conversations", body ?? new { });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return created.GetProperty("id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (OwnsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
