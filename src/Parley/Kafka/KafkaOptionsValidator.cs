using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Kafka;

/// <summary>Checks the worker's settings at startup, only when the worker is on, naming the key and its seed variable.</summary>
internal sealed class KafkaOptionsValidator(ModelCatalog catalog) : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        if (!options.Enabled)
            return ValidateOptionsResult.Success;

        var failures = new List<string>();
        const string key = KafkaOptions.Section;
        if (string.IsNullOrWhiteSpace(options.ConsumerGroup))
            failures.Add($"{key}:ConsumerGroup (CONSUMER_GROUP) must not be empty.");
        foreach (var (setting, topic) in new[] { ("RequestTopic", options.RequestTopic), ("ResponseTopic", options.ResponseTopic), ("DeadLetterTopic", options.DeadLetterTopic) })
        {
            if (string.IsNullOrWhiteSpace(topic) || topic.Length > 249 || topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
                failures.Add($"{key}:{setting} must be a Kafka topic name (letters, digits, '.', '_', '-'), not '{topic}'.");
        }
        if (options.RequestTopic == options.ResponseTopic || options.RequestTopic == options.DeadLetterTopic)
            failures.Add($"{key}:RequestTopic '{options.RequestTopic}' must differ from the response and dead-letter topics, or the worker would answer itself.");
        if (options.MaxTokens is < 1)
            failures.Add($"{key}:MaxTokens (MAX_TOKENS) must be at least 1, not {options.MaxTokens}.");
        if (options.Temperature is < 0 or > 2)
            failures.Add($"{key}:Temperature (TEMPERATURE) must be between 0 and 2, not {options.Temperature}.");
        if (options.MaxRetries is < 0 or > 20)
            failures.Add($"{key}:MaxRetries (MAX_RETRIES) must be between 0 and 20, not {options.MaxRetries}.");
        if (options.TimeoutSeconds is < 1 or > 3600)
            failures.Add($"{key}:TimeoutSeconds (TIMEOUT) must be between 1 and 3600 seconds, not {options.TimeoutSeconds}.");
        if (options.MaxConcurrency is < 1 or > 1024)
            failures.Add($"{key}:MaxConcurrency must be between 1 and 1024, not {options.MaxConcurrency}.");
        if (options.BatchSize is < 1 or > 10_000)
            failures.Add($"{key}:BatchSize must be between 1 and 10000, not {options.BatchSize}.");
        if (options.BatchWaitMs is < 0 or > 10_000)
            failures.Add($"{key}:BatchWaitMs must be between 0 and 10000, not {options.BatchWaitMs}.");
        if (options.RequireSignature && string.IsNullOrEmpty(options.SecretKey))
            failures.Add($"{key}:RequireSignature needs {key}:SecretKey (SECRET_KEY).");
        if (options.ShutdownTimeoutSeconds is < 0 or > 600)
            failures.Add($"{key}:ShutdownTimeoutSeconds must be between 0 and 600, not {options.ShutdownTimeoutSeconds}.");
        if (options.CommitIntervalMs is < 10 or > 60_000)
            failures.Add($"{key}:CommitIntervalMs must be between 10 and 60000, not {options.CommitIntervalMs}.");
        if (options.StatisticsIntervalMs is < 100 or > 600_000)
            failures.Add($"{key}:StatisticsIntervalMs must be between 100 and 600000, not {options.StatisticsIntervalMs}.");
        if (options.AutoOffsetReset is not ("earliest" or "latest"))
            failures.Add($"{key}:AutoOffsetReset must be 'earliest' or 'latest', not '{options.AutoOffsetReset}'.");
        if (options.SecurityProtocol is { Length: > 0 } protocol && !Enum.TryParse<SecurityProtocol>(protocol, ignoreCase: true, out _))
            failures.Add($"{key}:SecurityProtocol must be Plaintext, Ssl, SaslPlaintext or SaslSsl, not '{protocol}'.");
        if (options.SaslMechanism is { Length: > 0 } mechanism && !Enum.TryParse<SaslMechanism>(mechanism, ignoreCase: true, out _))
            failures.Add($"{key}:SaslMechanism must be Plain, ScramSha256, ScramSha512, OAuthBearer or Gssapi, not '{mechanism}'.");
        if (options.SaslMechanism is { Length: > 0 } && string.IsNullOrEmpty(options.SecurityProtocol))
            failures.Add($"{key}:SaslMechanism needs {key}:SecurityProtocol SaslPlaintext or SaslSsl.");
        foreach (var (setting, path) in new[] { ("SslCaLocation", options.SslCaLocation), ("SslCertificateLocation", options.SslCertificateLocation), ("SslKeyLocation", options.SslKeyLocation) })
        {
            if (path is { Length: > 0 } && !File.Exists(path))
                failures.Add($"{key}:{setting} names a file that does not exist: '{path}'.");
        }

        if (!string.IsNullOrWhiteSpace(options.Model))
        {
            try
            {
                catalog.Resolve(options.Model);
            }
            catch (ParleyException ex)
            {
                failures.Add($"{key}:Model (MODEL): {ex.Message}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
