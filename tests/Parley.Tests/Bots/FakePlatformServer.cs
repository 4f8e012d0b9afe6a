using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Bots;

/// <summary>A chat platform's API on 127.0.0.1 that records what bots deliver and can be told to fail.</summary>
public sealed class FakePlatformServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private FakePlatformServer(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int Port => new Uri(BaseUrl).Port;

    public ConcurrentQueue<(string Path, string? Authorization, JsonElement Body)> Deliveries { get; } = new();

    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Answer the next <paramref name="count"/> deliveries with 503.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    public static async Task<FakePlatformServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakePlatformServer(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref server._attempts);
            if (Interlocked.Decrement(ref server._failuresLeft) >= 0)
                return Results.StatusCode(503);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(context.Request.Body);
            server.Deliveries.Enqueue((context.Request.Path, context.Request.Headers.Authorization.ToString(), body));
            return Results.Ok(new { ok = true });
        });
        await app.StartAsync();
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async Task<IReadOnlyList<(string Path, string? Authorization, JsonElement Body)>> WaitForDeliveriesAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (Deliveries.Count < count && DateTime.UtcNow < deadline)
            await Task.Delay(25);
        return [.. Deliveries];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
