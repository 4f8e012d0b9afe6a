using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Kafka;
using Parley.Tests.Support;
using Xunit.Abstractions;

namespace Parley.Tests.Kafka;

/// <summary>Seed 001's worker against librdkafka's mock cluster: formats, defaults, volume, groups, poison, limits, health.</summary>
[Collection(KafkaTests.Name)]
public sealed class KafkaWorkerTests(KafkaMockCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Also covers images and readiness, to start one worker (a group join costs the mock cluster 3 s).</summary>
    [Fact]
    public async Task RequestInResponseOutWithSeedFormatImagesAndReadiness()
    {
        var names = KafkaMockCluster.NewNames();
        await using var worker = await cluster.StartWorkerAsync(names);
        var image = Convert.ToBase64String(TestImages.Png);
        await cluster.ProduceAsync(names.Requests, ("req-1", """
            {"user_email": "user@example.com", "message": "Hello Kafka", "context": "We talked about brokers.",
             "model": "mock/echo", "max_tokens": 1000, "temperature": 0.7, "system_prompt": "Be brief.", "images": []}
            """), ("with-image", $$"""{"message": "What is this?", "images": ["{{image}}"]}"""));

        var responses = cluster.Responses(names.Responses, ["req-1", "with-image"], Wait);
        var response = responses["req-1"];

        Assert.Equal(["response", "model", "usage", "finish_reason", "timestamp", "processing_time"], response.EnumerateObject().Select(p => p.Name));
        Assert.Contains("Hello Kafka", response.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.Equal("mock/echo", response.GetProperty("model").GetString());
        var usage = response.GetProperty("usage");
        Assert.Equal(["prompt_tokens", "completion_tokens", "total_tokens"], usage.EnumerateObject().Select(p => p.Name));
        Assert.True(usage.GetProperty("prompt_tokens").GetInt32() > 0);
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal("stop", response.GetProperty("finish_reason").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", response.GetProperty("timestamp").GetString());
        Assert.Equal(JsonValueKind.Number, response.GetProperty("processing_time").ValueKind);
        Assert.InRange(response.GetProperty("processing_time").GetDouble(), 0, 30);

        Assert.False(responses["with-image"].TryGetProperty("error", out _), responses["with-image"].GetRawText());
        Assert.Contains("image", responses["with-image"].GetProperty("response").GetString(), StringComparison.OrdinalIgnoreCase);

        var status = worker.Services.GetRequiredService<KafkaWorkerStatus>();
        await Until(() => status.Connected == true && status.Lag == 0, Wait);
        var ready = await worker.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        var kafka = ready.GetProperty("checks").GetProperty("kafka");
        var description = kafka.GetProperty("description").GetString()!;
        output.WriteLine(description);
        Assert.Equal("healthy", kafka.GetProperty("status").GetString());
        Assert.Contains(": connected, 4 partition(s) assigned, lag 0, 0 in flight", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFieldsTakeTheConfiguredDefaultsFromTheSeedNames()
    {
        var names = KafkaMockCluster.NewNames();
        var environment = new Dictionary<string, string?> { ["MODEL"] = "mock/echo", ["MAX_TOKENS"] = "3", ["TEMPERATURE"] = "0.5" };
        await using var worker = await cluster.StartWorkerAsync(names, environment: environment);
        await cluster.ProduceAsync(names.Requests, ("only-message", """{"message": "one two three four five six seven eight nine ten"}"""));

        var response = cluster.Responses(names.Responses, ["only-message"], Wait)["only-message"];

        Assert.Equal("mock/echo", response.GetProperty("model").GetString());
        Assert.InRange(response.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), 1, 3);
        Assert.Equal("length", response.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task AThousandRequestsAreEachAnsweredExactlyOnce()
    {
        const int count = 1000;
        var names = KafkaMockCluster.NewNames();
        await using var worker = await cluster.StartWorkerAsync(names, new() { ["Parley:Kafka:MaxConcurrency"] = "32" });
        var clock = Stopwatch.StartNew();
        await cluster.ProduceAsync(names.Requests, [.. Enumerable.Range(0, count).Select(i => ((string?)$"k{i}", $$"""{"message": "request number {{i}}", "user_email": "u{{i % 7}}@example.com"}"""))]);

        var received = cluster.Consume(names.Responses, r => r.Count >= count, TimeSpan.FromSeconds(60));
        output.WriteLine($"{received.Count} responses to {count} requests in {clock.Elapsed.TotalSeconds:0.00} s");
        // A moment more, to see duplicates that a buggy worker would add after the last answer.
        await Task.Delay(300);

        Assert.Equal(count, received.Count);
        var byKey = received.GroupBy(r => r.Key).ToDictionary(g => g.Key!, g => g.ToList());
        Assert.Equal(count, byKey.Count);
        for (var i = 0; i < count; i++)
        {
            var answer = Assert.Single(byKey[$"k{i}"]).Json;
            Assert.Contains($"request number {i}", answer.GetProperty("response").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RequestsWithTheSameKeyAreAnsweredInOrder()
    {
        var names = KafkaMockCluster.NewNames();
        await using var worker = await cluster.StartWorkerAsync(names, new() { ["Parley:Kafka:MaxConcurrency"] = "16" });
        // Earlier requests are slower, so only per-key ordering keeps the answers in order.
        await cluster.ProduceAsync(names.Requests, [.. Enumerable.Range(0, 12).Select(i => ((string?)"same-key", $$"""{"message": "[[mock:delay {{(12 - i) * 15}}]] step {{i}}"}"""))]);

        var received = cluster.Consume(names.Responses, r => r.Count >= 12, Wait);

        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"step {i}"),
            received.Select(r => System.Text.RegularExpressions.Regex.Match(r.Json.GetProperty("response").GetString()!, @"step \d+").Value));
    }

    [Fact]
    public async Task TwoWorkersInOneGroupShareThePartitionsAndTheWork()
    {
        const int count = 200;
        var names = KafkaMockCluster.NewNames();
        var answered = new Dictionary<Meter, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Parley.Kafka" && instrument.Name == "parley.kafka.requests")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (answered)
                answered[instrument.Meter] = answered.GetValueOrDefault(instrument.Meter) + value;
        });
        listener.Start();

        await using var first = await cluster.StartWorkerAsync(names);
        await using var second = await cluster.StartWorkerAsync(names);
        var statuses = new[] { first, second }.Select(s => s.Services.GetRequiredService<KafkaWorkerStatus>()).ToList();
        await Until(() => statuses.All(s => s.AssignedPartitions > 0) && statuses.Sum(s => s.AssignedPartitions) == KafkaMockCluster.Partitions, Wait);

        await cluster.ProduceAsync(names.Requests, [.. Enumerable.Range(0, count).Select(i => ((string?)$"k{i}", $$"""{"message": "[[mock:delay 5]] n{{i}}"}"""))]);
        var received = cluster.Consume(names.Responses, r => r.Select(m => m.Key).Distinct().Count() >= count, Wait);

        Assert.Equal(count, received.Select(r => r.Key).Distinct().Count());
        output.WriteLine($"partitions: {string.Join(", ", statuses.Select(s => s.AssignedPartitions))}; answered per worker: {string.Join(", ", answered.Values)}");
        lock (answered)
        {
            Assert.Equal(2, answered.Count(a => a.Value > 0));
            Assert.Equal(count, answered.Values.Sum());
        }
    }

    [Fact]
    public async Task PoisonMessagesGetAnErrorResponseAndADeadLetterCopyWithoutStallingTheWorker()
    {
        var names = KafkaMockCluster.NewNames();
        var bigImage = new byte[4096];
        TestImages.Png.CopyTo(bigImage, 0);
        await using var worker = await cluster.StartWorkerAsync(names, new() { ["Parley:MaxImageBytes"] = "2048" });
        var poison = new (string Key, string Value, string Code)[]
        {
            ("not-json", "this is not json {", "invalid_json"),
            ("no-message", """{"user_email": "a@example.com"}""", "empty_message"),
            ("wrong-type", """{"message": "hi", "max_tokens": "ten"}""", "invalid_request"),
            ("array", """[1, 2, 3]""", "invalid_request"),
            ("big-image", $$"""{"message": "look", "images": ["{{Convert.ToBase64String(bigImage)}}"]}""", "invalid_image"),
            ("not-an-image", """{"message": "look", "images": ["aGVsbG8gd29ybGQ="]}""", "invalid_image"),
            ("unknown-model", """{"message": "hi", "model": "nobody/nothing"}""", "model_not_found"),
        };
        await cluster.ProduceAsync(names.Requests, [.. poison.Select(p => ((string?)p.Key, p.Value)), ("healthy", """{"message": "still here"}""")]);

        var responses = cluster.Responses(names.Responses, [.. poison.Select(p => p.Key), "healthy"], Wait);
        var dead = cluster.Consume(names.DeadLetters, r => r.Count >= poison.Length, Wait);

        Assert.Contains("still here", responses["healthy"].GetProperty("response").GetString(), StringComparison.Ordinal);
        foreach (var (key, value, code) in poison)
        {
            var error = responses[key].GetProperty("error");
            Assert.Equal(code, error.GetProperty("code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
            Assert.Equal(["error", "model", "timestamp", "processing_time"], responses[key].EnumerateObject().Select(p => p.Name));
            var copy = Assert.Single(dead, d => d.Key == key);
            Assert.Equal(value, copy.Text);
            Assert.Equal(code, copy.Headers["parley.error.code"]);
            Assert.Equal(names.Requests, copy.Headers["parley.source.topic"]);
        }
        Assert.DoesNotContain(dead, d => d.Key == "healthy");
    }

    [Fact]
    public async Task ProviderFailuresAreRetriedThenAnsweredWithAnErrorAndDeadLettered()
    {
        var names = KafkaMockCluster.NewNames();
        await using var worker = await cluster.StartWorkerAsync(names, environment: new Dictionary<string, string?> { ["MAX_RETRIES"] = "1", ["TIMEOUT"] = "1" });
        await cluster.ProduceAsync(names.Requests,
            ("fails", """{"message": "[[mock:error 503]] hi"}"""),
            ("hangs", """{"message": "[[mock:delay 5000]] hi"}"""));

        var responses = cluster.Responses(names.Responses, ["fails", "hangs"], Wait);
        var dead = cluster.Consume(names.DeadLetters, r => r.Count >= 2, Wait);

        Assert.Equal("provider_unavailable", responses["fails"].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("mock/echo", responses["fails"].GetProperty("model").GetString());
        Assert.Equal("provider_timeout", responses["hangs"].GetProperty("error").GetProperty("code").GetString());
        // Two attempts of one second each, plus the back-off.
        Assert.InRange(responses["hangs"].GetProperty("processing_time").GetDouble(), 2, 10);
        Assert.Equal(["fails", "hangs"], dead.Select(d => d.Key).Order());
    }

    [Fact]
    public async Task PerUserLimitsAnswerWithAnErrorButDoNotDeadLetter()
    {
        var names = KafkaMockCluster.NewNames();
        await using var worker = await cluster.StartWorkerAsync(names, environment: new Dictionary<string, string?> { ["REQUESTS_PER_MINUTE"] = "2" });
        await cluster.ProduceAsync(names.Requests,
            ("a1", """{"message": "one", "user_email": "a@example.com"}"""),
            ("a2", """{"message": "two", "user_email": "a@example.com"}"""),
            ("a3", """{"message": "three", "user_email": "a@example.com"}"""),
            ("b1", """{"message": "one", "user_email": "b@example.com"}"""));

        var responses = cluster.Responses(names.Responses, ["a1", "a2", "a3", "b1"], Wait);

        Assert.Equal(1, new[] { "a1", "a2", "a3" }.Count(k => responses[k].TryGetProperty("error", out var e) && e.GetProperty("code").GetString() == "rate_limited"));
        Assert.False(responses["b1"].TryGetProperty("error", out _));
        Assert.Empty(cluster.Consume(names.DeadLetters, _ => false, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task GracefulShutdownFinishesInFlightRequestsAndCommitsThem()
    {
        const int count = 40;
        var names = KafkaMockCluster.NewNames();
        var first = await cluster.StartWorkerAsync(names, new() { ["Parley:Kafka:MaxConcurrency"] = "8" });
        var status = first.Services.GetRequiredService<KafkaWorkerStatus>();
        await cluster.ProduceAsync(names.Requests, [.. Enumerable.Range(0, count).Select(i => ((string?)$"g{i}", $$"""{"message": "[[mock:delay 400]] n{{i}}"}"""))]);
        await Until(() => status.InFlight >= 8, Wait);

        await first.DisposeAsync();
        var answeredByFirst = cluster.Consume(names.Responses, _ => false, TimeSpan.FromSeconds(2)).Count;
        await using var second = await cluster.StartWorkerAsync(names, new() { ["Parley:Kafka:MaxConcurrency"] = "40" });
        var received = cluster.Consume(names.Responses, r => r.Select(m => m.Key).Distinct().Count() >= count, Wait);

        output.WriteLine($"first worker answered {answeredByFirst} before stopping; {received.Count} responses in all");
        Assert.InRange(answeredByFirst, 8, count - 1);
        Assert.Equal(count, received.Select(r => r.Key).Distinct().Count());
        Assert.Equal(count, received.Count);
    }

    internal static async Task Until(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException("The condition did not hold in time.");
            await Task.Delay(50);
        }
    }
}
