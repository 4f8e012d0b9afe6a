using Confluent.Kafka;

namespace Parley.Kafka;

/// <summary>librdkafka settings for the worker's consumer and producer, from <see cref="KafkaOptions"/>.</summary>
internal static class KafkaClientConfig
{
    public static ConsumerConfig Consumer(KafkaOptions options)
    {
        var config = new ConsumerConfig
        {
            GroupId = options.ConsumerGroup,
            // At-least-once: offsets are committed by the worker, only after the response was acknowledged.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = options.AutoOffsetReset == "latest" ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
            AllowAutoCreateTopics = true,
            StatisticsIntervalMs = options.StatisticsIntervalMs,
        };
        return Apply(config, options, "consumer", options.ConsumerProperties);
    }

    public static ProducerConfig Producer(KafkaOptions options)
    {
        var config = new ProducerConfig
        {
            // Idempotent: librdkafka's own retries never duplicate or reorder a response.
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        };
        return Apply(config, options, "producer", options.ProducerProperties);
    }

    private static T Apply<T>(T config, KafkaOptions options, string role, Dictionary<string, string> own) where T : ClientConfig
    {
        config.BootstrapServers = options.BootstrapServers;
        config.ClientId = $"{options.ClientId ?? "parley-" + Environment.MachineName}-{role}";
        if (options.SecurityProtocol is { Length: > 0 } protocol)
            config.SecurityProtocol = Enum.Parse<SecurityProtocol>(protocol, ignoreCase: true);
        if (options.SaslMechanism is { Length: > 0 } mechanism)
            config.SaslMechanism = Enum.Parse<SaslMechanism>(mechanism, ignoreCase: true);
        config.SaslUsername = Blank(options.SaslUsername);
        config.SaslPassword = Blank(options.SaslPassword);
        config.SslCaLocation = Blank(options.SslCaLocation);
        config.SslCertificateLocation = Blank(options.SslCertificateLocation);
        config.SslKeyLocation = Blank(options.SslKeyLocation);
        config.SslKeyPassword = Blank(options.SslKeyPassword);
        foreach (var (key, value) in options.Properties.Concat(own))
            config.Set(key, value);
        return config;
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
