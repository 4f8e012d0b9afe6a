using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Parley.Observability;
using Parley.Tests.Support;

namespace Parley.Tests.Observability;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_requests_tokens_errors_and_latency_per_model()
    {
        await using var server = await ParleyTestServer.StartAsync();
        await Sse.PostAsync(server.Client, "/api/chat", new { message = "one two three" });
        await server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "mock/echo", messages = new[] { new { role = "user", content = "four five" } } });
        await Sse.PostAsync(server.Client, "/api/chat", new { message = "x [[mock:error 503]]" });

        var text = await server.Client.GetStringAsync("/metrics");

        Assert.Contains("# TYPE parley_chat_requests_total counter", text);
        Assert.Contains("parley_chat_requests_total{model=\"mock/echo\",outcome=\"ok\"} 2", text);
        Assert.Contains("parley_chat_requests_total{model=\"mock/echo\",outcome=\"provider_unavailable\"} 1", text);
        Assert.Contains("parley_chat_errors_total{code=\"provider_unavailable\",model=\"mock/echo\"} 1", text);
        Assert.Contains("parley_chat_tokens_total{kind=\"completion\",model=\"mock/echo\"} 5", text);
        Assert.Contains("# TYPE parley_chat_duration_seconds histogram", text);
        Assert.Contains("parley_chat_duration_seconds_count{model=\"mock/echo\"} 3", text);
        Assert.Contains("parley_chat_time_to_first_token_seconds_bucket{model=\"mock/echo\",le=\"+Inf\"} 1", text);
        Assert.Contains("parley_chat_active_streams{model=\"mock/echo\"} 0", text);
    }

    [Fact]
    public async Task Every_response_carries_a_request_id()
    {
        await using var server = await ParleyTestServer.StartAsync();
        var generated = await server.Client.GetAsync("/health/live");
        Assert.False(string.IsNullOrEmpty(generated.Headers.GetValues(RequestIds.Header).Single()));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations/c_missing");
        request.Headers.Add(RequestIds.Header, "abc-123");
        var echoed = await server.Client.SendAsync(request);
        Assert.Equal("abc-123", echoed.Headers.GetValues(RequestIds.Header).Single());

        using var hostile = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        hostile.Headers.TryAddWithoutValidation(RequestIds.Header, "<script>");
        Assert.NotEqual("<script>", (await server.Client.SendAsync(hostile)).Headers.GetValues(RequestIds.Header).Single());
    }

    [Fact]
    public void The_exporter_renders_histogram_buckets_cumulatively()
    {
        using var meter = new Meter("Parley.Test.Exporter");
        using var exporter = new PrometheusExporter();
        var histogram = meter.CreateHistogram<double>("parley.test.latency", "s", "test");
        histogram.Record(0.004);
        histogram.Record(0.3);
        histogram.Record(100);

        var text = exporter.Render();

        Assert.Contains("parley_test_latency_seconds_bucket{le=\"0.005\"} 1", text);
        Assert.Contains("parley_test_latency_seconds_bucket{le=\"0.5\"} 2", text);
        Assert.Contains("parley_test_latency_seconds_bucket{le=\"60\"} 2", text);
        Assert.Contains("parley_test_latency_seconds_bucket{le=\"+Inf\"} 3", text);
        Assert.Contains("parley_test_latency_seconds_count 3", text);
    }
}
