using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Tools;

/// <summary>A Kestrel server on a free loopback port (127.0.0.1, and [::1] when asked) that counts its requests.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StrongBox<int> _hits;

    private LocalServer(WebApplication app, int port, StrongBox<int> hits)
    {
        _app = app;
        Port = port;
        _hits = hits;
    }

    public int Port { get; }

    public int Hits => Volatile.Read(ref _hits.Value);

    public Uri Url(string path = "/") => new($"http://127.0.0.1:{Port}{path}");

    public static async Task<LocalServer> StartAsync(RequestDelegate handler, bool ipv6 = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Both loopbacks need one port, picked beforehand; otherwise Kestrel picks it (no race).
        var port = ipv6 ? FreePort() : 0;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            if (ipv6)
                k.Listen(IPAddress.IPv6Loopback, port);
        });
        var app = builder.Build();
        var hits = new StrongBox<int>();
        app.Run(async context =>
        {
            Interlocked.Increment(ref hits.Value);
            await handler(context);
        });
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new LocalServer(app, bound.Port, hits);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
