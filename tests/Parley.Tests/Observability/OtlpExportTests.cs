using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using Parley.Observability;
using Parley.Tests.Operations;
using Parley.Tests.Support;

namespace Parley.Tests.Observability;

public sealed class OtlpExportTests
{
    private const string Prompt = "PROMPT-TEXT-never-exported-4711";
    private const string ProviderKey = "sk-otlp-provider-secret-0815";
    private const string CallerKey = "pk-otlp-caller-secret-2342";

    // A mock provider of its own, so the model attribute tells this test's calls from other tests' in the same process.
    private const string Model = "otlpmock/echo";

    [Fact(Timeout = 120_000)]
    public async Task A_chat_request_reaches_a_loopback_otlp_receiver_as_parley_metrics_and_a_span_without_prompt_or_keys()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        // The real server as a process: its request pipeline (console logging, ASP.NET Core's request activity) is the
        // one whose spans must be exported, and no other test server's "Parley" meter shares its exporter.
        var folder = ServerProcess.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(folder, new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Origin,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "parley-otlp-test",
                ["Parley__Telemetry__ExportIntervalSeconds"] = "0.5",
                ["Parley__Providers__otlpmock__Kind"] = "mock",
                ["Parley__Providers__otlpmock__Models__0"] = "echo",
                ["Parley__Providers__otlpmock__ApiKey"] = ProviderKey,
            });
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = JsonContent.Create(new { model = Model, messages = new[] { new { role = "user", content = Prompt } } }),
            };
            request.Headers.Authorization = new("Bearer", CallerKey);
            using var response = await server.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            Assert.Contains(Prompt, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // Metrics every half second; spans in the exporter's batches (every 5 s) or at the graceful stop below.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && !(HasModelMetric(receiver, "parley.chat.tokens") && HasModelSpan(receiver)))
                await Task.Delay(100);
            server.Terminate();
            Assert.True(server.WaitForExit(TimeSpan.FromSeconds(30)), "the server did not stop after SIGTERM");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var metrics = receiver.MetricBodies.SelectMany(OtlpProtobuf.Metrics).ToList();
        foreach (var name in new[] { "parley.chat.requests", "parley.chat.tokens", "parley.chat.duration" })
            Assert.Contains(metrics, m => m.Name == name && m.Points.Any(p => p.GetValueOrDefault("model") == Model));
        Assert.Contains(metrics, m => m.Name == "parley.chat.requests" && m.Points.Any(p => p.GetValueOrDefault("model") == Model && p.GetValueOrDefault("outcome") == "ok"));
        Assert.All(receiver.ContentTypes, t => Assert.Equal("application/x-protobuf", t));
        Assert.Equal("parley-otlp-test", OtlpProtobuf.ResourceAttributes(receiver.MetricBodies.First())["service.name"]);

        var spans = receiver.TraceBodies.SelectMany(OtlpProtobuf.Spans).Where(s => s.Attributes.GetValueOrDefault("gen_ai.request.model") == Model).ToList();
        var span = Assert.Single(spans);
        Assert.Equal("chat " + Model, span.Name);
        Assert.Equal("ok", span.Attributes["parley.outcome"]);
        Assert.Equal("v1", span.Attributes["parley.surface"]);
        Assert.True(long.Parse(span.Attributes["gen_ai.usage.input_tokens"], System.Globalization.CultureInfo.InvariantCulture) > 0);

        foreach (var body in receiver.MetricBodies.Concat(receiver.TraceBodies))
        {
            foreach (var secret in new[] { Prompt, ProviderKey, CallerKey })
                Assert.Equal(-1, body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)));
        }
    }

    private static bool HasModelSpan(OtlpReceiver receiver) =>
        receiver.TraceBodies.SelectMany(OtlpProtobuf.Spans).Any(s => s.Attributes.GetValueOrDefault("gen_ai.request.model") == Model);

    private static bool HasModelMetric(OtlpReceiver receiver, string name) =>
        receiver.MetricBodies.SelectMany(OtlpProtobuf.Metrics).Any(m => m.Name == name && m.Points.Any(p => p.GetValueOrDefault("model") == Model));

    [Fact]
    public void Parley_settings_win_over_the_standard_variables_and_nothing_is_exported_without_an_endpoint()
    {
        var standard = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "from-env",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "15000",
        }).Build();

        var fromEnvironment = OtlpTelemetry.Resolve(new TelemetryOptions(), standard)!;
        Assert.Equal(new Uri("http://collector:4318"), fromEnvironment.Endpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, fromEnvironment.Protocol);
        Assert.Equal("from-env", fromEnvironment.ServiceName);
        Assert.Equal(TimeSpan.FromSeconds(15), fromEnvironment.ExportInterval);

        var overridden = OtlpTelemetry.Resolve(new TelemetryOptions
        {
            OtlpEndpoint = "http://other:4317", OtlpProtocol = "grpc", ServiceName = "parley-eu", ExportIntervalSeconds = 5,
        }, standard)!;
        Assert.Equal(new Uri("http://other:4317"), overridden.Endpoint);
        Assert.Equal(OtlpExportProtocol.Grpc, overridden.Protocol);
        Assert.Equal("parley-eu", overridden.ServiceName);
        Assert.Equal(TimeSpan.FromSeconds(5), overridden.ExportInterval);

        var empty = new ConfigurationBuilder().Build();
        Assert.Null(OtlpTelemetry.Resolve(new TelemetryOptions(), empty));
        var defaults = OtlpTelemetry.Resolve(new TelemetryOptions { OtlpEndpoint = "http://localhost:4317" }, empty)!;
        Assert.Equal(OtlpExportProtocol.Grpc, defaults.Protocol);
        Assert.Equal("parley", defaults.ServiceName);
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.ExportInterval);

        var badProtocol = Assert.Throws<InvalidOperationException>(() => OtlpTelemetry.Resolve(new TelemetryOptions { OtlpEndpoint = "http://x:1", OtlpProtocol = "http/json" }, empty));
        Assert.Contains("grpc or http/protobuf", badProtocol.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => OtlpTelemetry.Resolve(new TelemetryOptions { OtlpEndpoint = "collector:4317" }, empty));
    }
}
