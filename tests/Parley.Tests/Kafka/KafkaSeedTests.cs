using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Parley.Bots;
using Parley.Tests.Fakes;
using Parley.Tests.Support;
using Xunit.Abstractions;

namespace Parley.Tests.Kafka;

/// <summary>
/// Seed 001 run with its own environment (OPENAI_API_KEY, MODEL, VISION_MODEL, BOOTSTRAP_SERVER, CONSUMER_GROUP,
/// MAX_RETRIES, SECRET_KEY, LOG_LEVEL) against librdkafka's mock cluster and a fake OpenAI upstream.
/// </summary>
[Collection(KafkaTests.Name)]
public sealed class KafkaSeedTests(KafkaMockCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private FakeOpenAIServer _openAI = null!;

    public async Task InitializeAsync() => _openAI = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await _openAI.DisposeAsync();

    private int UpstreamCalls(string? model = null) => _openAI.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)
        && (model is null || r.Root.GetProperty("model").GetString() == model));

    /// <summary>The seed's variables, with the topics and group of one test (the topics are settings: the seed fixes their names).</summary>
    private Task<ParleyTestServer> StartSeedWorkerAsync(KafkaNames names, Dictionary<string, string?>? variables = null, Dictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-seed-001",
            ["OPENAI_API_BASE"] = _openAI.BaseUrl,
            ["MODEL"] = "gpt-4o-mini",
            ["VISION_MODEL"] = "gpt-4o-latest",
            ["BOOTSTRAP_SERVER"] = cluster.BootstrapServers,
            ["CONSUMER_GROUP"] = names.Group,
        };
        foreach (var (key, value) in variables ?? [])
            environment[key] = value;
        var all = cluster.WorkerSettings(names, settings);
        all.Remove("Parley:Kafka:BootstrapServers");
        all.Remove("Parley:Kafka:ConsumerGroup");
        return ParleyTestServer.StartAsync(all, environment);
    }

    [Fact]
    public async Task The_seed_environment_alone_starts_and_routes_images_to_VISION_MODEL_and_names_models_as_requested()
    {
        var names = KafkaMockCluster.NewNames();
        await using var worker = await StartSeedWorkerAsync(names);
        var image = Convert.ToBase64String(TestImages.Png);
        await cluster.ProduceAsync(names.Requests,
            ("text", """{"user_email": "user@example.com", "message": "Hello", "model": "gpt-4o-mini", "max_tokens": 1000, "temperature": 0.7}"""),
            ("no-model", """{"message": "Which model?"}"""),
            ("picture", $$"""{"message": "What is this?", "images": ["{{image}}"]}"""));

        var responses = cluster.Responses(names.Responses, ["text", "no-model", "picture"], Wait);

        Assert.Equal("gpt-4o-mini", responses["text"].GetProperty("model").GetString());
        Assert.Equal("gpt-4o-mini", responses["no-model"].GetProperty("model").GetString());
        Assert.Equal("gpt-4o-latest", responses["picture"].GetProperty("model").GetString());
        Assert.Contains("What is this?", responses["picture"].GetProperty("response").GetString(), StringComparison.Ordinal);
        var pictureCall = Assert.Single(_openAI.Requests, r => r.Body.Contains("What is this?", StringComparison.Ordinal));
        Assert.Equal("gpt-4o-latest", pictureCall.Root.GetProperty("model").GetString());
        Assert.Contains("image_url", pictureCall.Body, StringComparison.Ordinal);
        Assert.Equal(2, UpstreamCalls("gpt-4o-mini"));
    }

    [Theory]
    [InlineData("0", 1)]
    [InlineData("1", 2)]
    [InlineData("3", 4)]
    public async Task MAX_RETRIES_is_the_total_number_of_retries(string maxRetries, int calls)
    {
        var names = KafkaMockCluster.NewNames();
        for (var i = 0; i < 10; i++)
            _openAI.Enqueue(FakeReply.Error(503, "Overloaded", retryAfter: TimeSpan.Zero));
        await using var worker = await StartSeedWorkerAsync(names, new() { ["MAX_RETRIES"] = maxRetries, ["TIMEOUT"] = "5" });
        await cluster.ProduceAsync(names.Requests, ("fails", """{"message": "Hello"}"""));

        var response = cluster.Responses(names.Responses, ["fails"], Wait)["fails"];

        Assert.Equal("provider_unavailable", response.GetProperty("error").GetProperty("code").GetString());
        await Task.Delay(300);
        Assert.Equal(calls, UpstreamCalls());
    }

    [Fact]
    public async Task SECRET_KEY_signs_every_response_and_refuses_requests_whose_signature_does_not_match()
    {
        const string secret = "your-secret-key";
        var names = KafkaMockCluster.NewNames();
        await using var worker = await StartSeedWorkerAsync(names, new() { ["SECRET_KEY"] = secret });
        const string signedValue = """{"message": "signed hello"}""";
        const string forgedValue = """{"message": "forged hello"}""";
        using (var producer = cluster.Producer())
        {
            await producer.ProduceAsync(names.Requests, new Message<string?, byte[]> { Key = "unsigned", Value = Encoding.UTF8.GetBytes("""{"message": "plain hello"}""") });
            await producer.ProduceAsync(names.Requests, new Message<string?, byte[]>
            {
                Key = "signed", Value = Encoding.UTF8.GetBytes(signedValue),
                Headers = [new Header("x-signature", Encoding.UTF8.GetBytes(WebhookSignature.Sign(secret, Encoding.UTF8.GetBytes(signedValue))))],
            });
            await producer.ProduceAsync(names.Requests, new Message<string?, byte[]>
            {
                Key = "forged", Value = Encoding.UTF8.GetBytes(forgedValue),
                Headers = [new Header("x-signature", Encoding.UTF8.GetBytes(WebhookSignature.Sign("another-key", Encoding.UTF8.GetBytes(forgedValue))))],
            });
        }

        var received = cluster.Consume(names.Responses, r => r.Count >= 3, Wait);
        var dead = cluster.Consume(names.DeadLetters, r => r.Count >= 1, Wait);

        Assert.Equal(3, received.Count);
        foreach (var response in received)
            Assert.Equal(WebhookSignature.Sign(secret, response.Value), response.Headers["x-signature"]);
        Assert.Contains("plain hello", received.Single(r => r.Key == "unsigned").Json.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.Contains("signed hello", received.Single(r => r.Key == "signed").Json.GetProperty("response").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_signature", received.Single(r => r.Key == "forged").Json.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("forged", Assert.Single(dead).Key);
        Assert.DoesNotContain(_openAI.Requests, r => r.Body.Contains("forged hello", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DEBUG", LogLevel.Debug, true)]
    [InlineData("INFO", LogLevel.Information, true)]
    [InlineData("INFO", LogLevel.Debug, false)]
    [InlineData("WARNING", LogLevel.Information, false)]
    [InlineData("ERROR", LogLevel.Warning, false)]
    [InlineData("CRITICAL", LogLevel.Error, false)]
    [InlineData("CRITICAL", LogLevel.Critical, true)]
    public async Task LOG_LEVEL_sets_the_level_Parley_logs_at(string logLevel, LogLevel level, bool enabled)
    {
        var lines = new CapturingLoggerProvider();
        await using var server = await ParleyTestServer.StartAsync(
            environment: new Dictionary<string, string?> { ["LOG_LEVEL"] = logLevel },
            configureServices: services => services.AddSingleton<ILoggerProvider>(lines));

        var logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Parley.Kafka.KafkaWorker");

        Assert.Equal(enabled, logger.IsEnabled(level));
    }

    [Fact]
    public async Task A_batch_is_answered_by_priority_keeping_each_keys_order()
    {
        var names = KafkaMockCluster.NewNames();
        // Produced before the worker joins, so they arrive as one batch; one at a time, so the order is visible.
        await cluster.ProduceAsync(names.Requests,
            ("low-1", """{"message": "[[mock:delay 60]] low-1", "model": "mock/echo"}"""),
            ("high", """{"message": "[[mock:delay 60]] high", "model": "mock/echo", "priority": 5}"""),
            ("low-2", """{"message": "[[mock:delay 60]] low-2", "model": "mock/echo", "priority": 0}"""),
            ("top", """{"message": "[[mock:delay 60]] top", "model": "mock/echo", "priority": 9}"""),
            ("same", """{"message": "[[mock:delay 60]] same-first", "model": "mock/echo"}"""),
            ("same", """{"message": "[[mock:delay 60]] same-second", "model": "mock/echo", "priority": 9}"""));
        await using var worker = await StartSeedWorkerAsync(names, settings: new()
        {
            ["Parley:Kafka:MaxConcurrency"] = "1",
            ["Parley:Kafka:BatchWaitMs"] = "1500",
        });

        var received = cluster.Consume(names.Responses, r => r.Count >= 6, Wait);
        var order = received.OrderBy(r => r.Timestamp)
            .Select(r => System.Text.RegularExpressions.Regex.Match(r.Json.GetProperty("response").GetString()!, @"(low-\d|high|top|same-\w+)").Value).ToList();
        output.WriteLine(string.Join(", ", order));

        Assert.Equal(6, order.Count);
        Assert.Equal("top", order[0]);
        Assert.Equal("high", order[1]);
        Assert.True(order.IndexOf("same-second") == order.IndexOf("same-first") + 1, "same-second starts right after same-first, its key's earlier request");
        Assert.Equal(["low-1", "low-2", "same-first", "same-second"], order.Skip(2).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Identical_requests_in_a_batch_are_answered_by_one_model_call()
    {
        var names = KafkaMockCluster.NewNames();
        const string same = """{"user_email": "user@example.com", "message": "What is Kafka?", "model": "gpt-4o-mini"}""";
        await cluster.ProduceAsync(names.Requests, ("a", same), ("b", same), ("c", same), ("other", """{"message": "Something else", "model": "gpt-4o-mini"}"""));
        await using var worker = await StartSeedWorkerAsync(names, settings: new()
        {
            ["Parley:Kafka:MaxConcurrency"] = "4",
            ["Parley:Kafka:BatchWaitMs"] = "1500",
        });

        var responses = cluster.Responses(names.Responses, ["a", "b", "c", "other"], Wait);

        Assert.Equal(2, UpstreamCalls());
        var answers = new[] { "a", "b", "c" }.Select(k => responses[k].GetProperty("response").GetString()).Distinct().ToList();
        Assert.Contains("What is Kafka?", Assert.Single(answers), StringComparison.Ordinal);
        Assert.Contains("Something else", responses["other"].GetProperty("response").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offsets_are_committed_only_past_fully_answered_requests()
    {
        var names = KafkaMockCluster.NewNames();
        var partition = new TopicPartition(names.Requests, 0);
        using (var producer = cluster.Producer())
        {
            await producer.ProduceAsync(partition, new Message<string?, byte[]> { Value = Encoding.UTF8.GetBytes("""{"message": "[[mock:delay 4000]] slow", "model": "mock/echo"}""") });
            await producer.ProduceAsync(partition, new Message<string?, byte[]> { Value = Encoding.UTF8.GetBytes("""{"message": "quick", "model": "mock/echo", "priority": 5}""") });
        }
        await using var worker = await StartSeedWorkerAsync(names, settings: new()
        {
            ["Parley:Kafka:MaxConcurrency"] = "1",
            ["Parley:Kafka:BatchWaitMs"] = "1000",
        });

        var first = cluster.Consume(names.Responses, r => r.Count >= 1, Wait);
        Assert.Contains("quick", first[0].Json.GetProperty("response").GetString(), StringComparison.Ordinal);
        // The later request is answered, the earlier one is not: nothing past the earlier one may be committed.
        await Task.Delay(600);
        Assert.True(Committed(names, partition) < 1, $"committed {Committed(names, partition)} while offset 0 was unanswered");

        var both = cluster.Consume(names.Responses, r => r.Count >= 2, Wait);
        Assert.Equal(2, both.Count);
        await KafkaWorkerTests.Until(() => Committed(names, partition) == 2, Wait);
    }

    private long Committed(KafkaNames names, TopicPartition partition)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = names.Group }).Build();
        return consumer.Committed([partition], TimeSpan.FromSeconds(5)).Single().Offset.Value;
    }
}
