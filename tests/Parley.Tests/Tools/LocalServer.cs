using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Tools;

/// <summary>A Kestrel server on a free loopback port (127.0.0.1, and [::1] when asked) that counts its requests.</summary>
internal sealed class LocalServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private LocalServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public int Hits => Volatile.Read(ref _hits);

    public Uri Url(string path = "/") => new($"http://127.0.0.1:{Port}{path}");

    public static async Task<LocalServer> StartAsync(RequestDelegate handler, bool ipv6 = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            if (ipv6)
                k.Listen(IPAddress.IPv6Loopback, port);
        });
        var app = builder.Build();
        LocalServer? server = null;
        app.Run(async context =>
        {
            Interlocked.Increment(ref server!._hits);
            await handler(context);
        });
        server = new LocalServer(app, port);
        await app.StartAsync();
        return server;
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
