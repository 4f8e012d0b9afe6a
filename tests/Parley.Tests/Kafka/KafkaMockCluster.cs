using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Parley.Kafka;
using Parley.Tests.Support;

namespace Parley.Tests.Kafka;

/// <summary>
/// librdkafka's built-in mock cluster (a real Kafka-protocol broker on 127.0.0.1), started in this process by a
/// client with <c>test.mock.num.brokers=1</c>; every other client, the worker and kcat included, uses the address it logs.
/// Topics have 4 partitions; a worker's topics exist before it starts, as an operator provisions them. Tests isolate
/// themselves with unique topic and group names.
/// </summary>
public sealed partial class KafkaMockCluster : IDisposable
{
    private readonly IProducer<byte[], byte[]> _host;

    public KafkaMockCluster()
    {
        using var found = new ManualResetEventSlim();
        string? address = null;
        var config = new ProducerConfig { BootstrapServers = "127.0.0.1:9" };
        config.Set("test.mock.num.brokers", "1");
        _host = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, message) =>
            {
                if (Address().Match(message.Message) is { Success: true } match)
                {
                    address = match.Groups[1].Value;
                    found.Set();
                }
            })
            .Build();
        if (!found.Wait(TimeSpan.FromSeconds(15)) || address is null)
            throw new InvalidOperationException("librdkafka's mock cluster did not report its address.");
        BootstrapServers = address;
    }

    public string BootstrapServers { get; }

    public const int Partitions = 4;

    /// <summary>A fresh set of topic and group names, so tests never see each other's messages.</summary>
    public static KafkaNames NewNames()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new KafkaNames($"send-{id}", $"response-{id}", $"send-{id}.dlq", $"group-{id}");
    }

    /// <summary>
    /// Worker settings for a test server: this cluster, the names (their topics created first), fast commits,
    /// statistics and rebalances.
    /// </summary>
    public Dictionary<string, string?> WorkerSettings(KafkaNames names, Dictionary<string, string?>? extra = null)
    {
        CreateTopics(names.Requests, names.Responses, names.DeadLetters);
        var settings = new Dictionary<string, string?>
        {
            ["Parley:Kafka:BootstrapServers"] = BootstrapServers,
            ["Parley:Kafka:ConsumerGroup"] = names.Group,
            ["Parley:Kafka:RequestTopic"] = names.Requests,
            ["Parley:Kafka:ResponseTopic"] = names.Responses,
            ["Parley:Kafka:DeadLetterTopic"] = names.DeadLetters,
            ["Parley:Kafka:CommitIntervalMs"] = "200",
            ["Parley:Kafka:StatisticsIntervalMs"] = "500",
            ["Parley:Kafka:ShutdownTimeoutSeconds"] = "5",
            ["Parley:Kafka:ConsumerProperties:session.timeout.ms"] = "3000",
            ["Parley:Kafka:ConsumerProperties:heartbeat.interval.ms"] = "300",
        };
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return settings;
    }

    /// <summary>
    /// Creates the topics (bounded). A consumer group's subscription never creates a topic (librdkafka asks for its
    /// metadata without auto-creation), and the mock cluster has no CreateTopics API, so the topics are created the way
    /// a producer creates them: a metadata request from the hosting producer, which the mock answers by creating them.
    /// </summary>
    public void CreateTopics(params string[] topics)
    {
        using var admin = new DependentAdminClientBuilder(_host.Handle).Build();
        foreach (var topic in topics)
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
            if (metadata.Topics is not [{ Error.IsError: false, Partitions.Count: Partitions }])
                throw new InvalidOperationException($"The mock cluster did not create {topic} with {Partitions} partitions.");
        }
    }

    public Task<ParleyTestServer> StartWorkerAsync(KafkaNames names, Dictionary<string, string?>? extra = null, IReadOnlyDictionary<string, string?>? environment = null) =>
        ParleyTestServer.StartAsync(WorkerSettings(names, extra), environment);

    public IProducer<string?, byte[]> Producer() =>
        new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = BootstrapServers, EnableIdempotence = true, LingerMs = 2 }).Build();

    /// <summary>Produces and waits (bounded) until the broker acknowledged every message.</summary>
    public Task ProduceAsync(string topic, params (string? Key, string Value)[] messages)
    {
        using var producer = Producer();
        foreach (var (key, value) in messages)
            producer.Produce(topic, new Message<string?, byte[]> { Key = key!, Value = Encoding.UTF8.GetBytes(value) });
        if (producer.Flush(TimeSpan.FromSeconds(20)) > 0)
            throw new TimeoutException($"The mock cluster did not acknowledge every message to {topic} in 20 s.");
        return Task.CompletedTask;
    }

    /// <summary>Reads <paramref name="topic"/> from the start until <paramref name="done"/> holds or the time is up (bounded).</summary>
    public List<Received> Consume(string topic, Func<IReadOnlyList<Received>, bool> done, TimeSpan timeout)
    {
        // No consumer group: joining one costs the mock cluster's initial rebalance delay (3 s) per reader.
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "unused-reader",
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var received = new List<Received>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !done(received))
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result?.Message is null)
                continue;
            var headers = (result.Message.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
            received.Add(new Received(result.Message.Key, result.Message.Value ?? [], headers, result.Partition.Value, result.Message.Timestamp.UtcDateTime));
        }
        return received;
    }

    /// <summary>Waits for one response per key in <paramref name="keys"/> (bounded), returned by key.</summary>
    public Dictionary<string, JsonElement> Responses(string topic, IReadOnlyCollection<string> keys, TimeSpan timeout)
    {
        var wanted = keys.ToHashSet();
        var received = Consume(topic, r => wanted.IsSubsetOf(r.Select(m => m.Key ?? "")), timeout);
        return received.Where(r => r.Key is not null && wanted.Contains(r.Key)).GroupBy(r => r.Key!).ToDictionary(g => g.Key, g => g.Last().Json);
    }

    public void Dispose() => _host.Dispose();

    [GeneratedRegex(@"replaced with (127\.0\.0\.1:\d+)")]
    private static partial Regex Address();
}

public sealed record KafkaNames(string Requests, string Responses, string DeadLetters, string Group);

public sealed record Received(string? Key, byte[] Value, IReadOnlyDictionary<string, string> Headers, int Partition, DateTime Timestamp = default)
{
    public string Text => Encoding.UTF8.GetString(Value);

    public JsonElement Json => JsonDocument.Parse(Value).RootElement.Clone();
}

[CollectionDefinition(Name)]
public sealed class KafkaTests : ICollectionFixture<KafkaMockCluster>
{
    public const string Name = "kafka";
}
