namespace Parley.Kafka;

/// <summary>
/// The <c>Parley:Kafka</c> section: seed 001's worker that answers chat requests from <c>gpt-send</c> on
/// <c>gpt-response</c>. The worker runs only when <see cref="BootstrapServers"/> is set (BOOTSTRAP_SERVER).
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Parley:Kafka";

    /// <summary>BOOTSTRAP_SERVER: <c>host:port[,host:port]</c>. Empty turns the worker off.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>CONSUMER_GROUP: workers with the same group share the request topic's partitions.</summary>
    public string ConsumerGroup { get; set; } = "parley";

    public string RequestTopic { get; set; } = "gpt-send";

    public string ResponseTopic { get; set; } = "gpt-response";

    /// <summary>Where the raw request goes when it could not be answered (poison or failed after retries).</summary>
    public string DeadLetterTopic { get; set; } = "gpt-send.dlq";

    /// <summary>MODEL: the model for requests that name none; empty uses Parley's default model.</summary>
    public string? Model { get; set; }

    /// <summary>MAX_TOKENS: reply cap for requests without <c>max_tokens</c>; empty uses <c>Parley:MaxTokens</c>.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>TEMPERATURE: for requests without <c>temperature</c>; empty uses <c>Parley:Temperature</c>.</summary>
    public double? Temperature { get; set; }

    /// <summary>
    /// MAX_RETRIES: the total retries of one request after a transient provider failure (rate limit, 5xx, timeout):
    /// at most 1 + MAX_RETRIES calls to the model (0 = one call). The pipeline's own retries do not add to them.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// SECRET_KEY: signs every response (header <c>x-signature: sha256=&lt;hex HMAC-SHA256 of the value&gt;</c>) and
    /// verifies requests that carry that header; a mismatch is answered with <c>invalid_signature</c> and dead-lettered.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>With SECRET_KEY: also refuse requests without a signature.</summary>
    public bool RequireSignature { get; set; }

    /// <summary>
    /// Most requests taken from the topic as one batch. A batch is answered highest <c>priority</c> first (requests with
    /// the same key keep their order), identical requests in it share one model call, and at most
    /// <see cref="MaxConcurrency"/> of it run at once.
    /// </summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>How long a batch waits for more requests after its first one, in milliseconds.</summary>
    public int BatchWaitMs { get; set; } = 10;

    /// <summary>TIMEOUT: seconds one attempt at the model may take.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Requests answered at once by one worker; requests with the same key still run one after another.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>On shutdown, how long in-flight requests may take to finish before they are handed back uncommitted.</summary>
    public double ShutdownTimeoutSeconds { get; set; } = 10;

    /// <summary>How often completed offsets are committed (they are always committed on shutdown and rebalance).</summary>
    public int CommitIntervalMs { get; set; } = 1000;

    /// <summary>How often librdkafka reports statistics (consumer lag and broker state for /health/ready).</summary>
    public int StatisticsIntervalMs { get; set; } = 5000;

    /// <summary>Where a new consumer group starts: <c>earliest</c> (default, so no request is skipped) or <c>latest</c>.</summary>
    public string AutoOffsetReset { get; set; } = "earliest";

    public string? ClientId { get; set; }

    /// <summary><c>Plaintext</c>, <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c>.</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary><c>Plain</c>, <c>ScramSha256</c>, <c>ScramSha512</c>, <c>OAuthBearer</c> or <c>Gssapi</c>.</summary>
    public string? SaslMechanism { get; set; }

    public string? SaslUsername { get; set; }

    public string? SaslPassword { get; set; }

    /// <summary>PEM file with the CA certificates that sign the brokers' certificates.</summary>
    public string? SslCaLocation { get; set; }

    /// <summary>Client certificate (PEM) for mutual TLS.</summary>
    public string? SslCertificateLocation { get; set; }

    public string? SslKeyLocation { get; set; }

    public string? SslKeyPassword { get; set; }

    /// <summary>Any other librdkafka property for both clients, e.g. <c>"socket.keepalive.enable": "true"</c>; wins over the above.</summary>
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka properties for the consumer only, e.g. <c>"session.timeout.ms": "10000"</c>.</summary>
    public Dictionary<string, string> ConsumerProperties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka properties for the producer only, e.g. <c>"compression.type": "zstd"</c>.</summary>
    public Dictionary<string, string> ProducerProperties { get; set; } = new(StringComparer.Ordinal);

    public bool Enabled => !string.IsNullOrWhiteSpace(BootstrapServers);
}
