using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Parley.Tests.Observability;

/// <summary>A loopback OTLP/HTTP receiver (http/protobuf): keeps the bodies posted to <c>/v1/metrics</c> and <c>/v1/traces</c>.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    public string Origin { get; }

    public ConcurrentQueue<byte[]> MetricBodies { get; } = new();

    public ConcurrentQueue<byte[]> TraceBodies { get; } = new();

    public ConcurrentQueue<string> ContentTypes { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        OtlpReceiver? receiver = null;
        app.MapPost("/v1/metrics", (HttpContext context) => ReceiveAsync(context, receiver!.MetricBodies, receiver));
        app.MapPost("/v1/traces", (HttpContext context) => ReceiveAsync(context, receiver!.TraceBodies, receiver));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new OtlpReceiver(app, address);
        return receiver;
    }

    private static async Task ReceiveAsync(HttpContext context, ConcurrentQueue<byte[]> bodies, OtlpReceiver receiver)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        bodies.Enqueue(buffer.ToArray());
        receiver.ContentTypes.Enqueue(context.Request.ContentType ?? "");
        // An empty ExportMetricsServiceResponse / ExportTraceServiceResponse: full success.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = 200;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
