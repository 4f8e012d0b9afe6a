using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Parley.Kafka;

/// <summary>The worker's log messages.</summary>
internal sealed partial class KafkaWorker
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka worker started: group {Group} answers {RequestTopic} on {ResponseTopic} via {Servers}")]
    private static partial void LogStarted(ILogger logger, string group, string requestTopic, string responseTopic, string servers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka worker of group {Group} stopped")]
    private static partial void LogStopped(ILogger logger, string group);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka worker stopped: it cannot go on")]
    private static partial void LogFatal(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leaving the consumer group failed")]
    private static partial void LogCloseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consuming failed with {Code}: {Reason}")]
    private static partial void LogConsumeError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering {Request} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, TopicPartitionOffset request, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown: {Request} handed back uncommitted")]
    private static partial void LogHandedBack(ILogger logger, TopicPartitionOffset request);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Producing to {Topic} failed with {Code}: {Reason}; attempt {Attempt}, trying again")]
    private static partial void LogProduceRetry(ILogger logger, string topic, ErrorCode code, string reason, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing offsets failed with {Code}: {Reason}; they are committed later")]
    private static partial void LogCommitFailed(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown: waiting up to {Seconds} s for {Count} request(s) in flight")]
    private static partial void LogDraining(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partitions assigned: {Partitions}")]
    private static partial void LogAssigned(ILogger logger, IEnumerable<TopicPartition> partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partitions revoked: {Partitions}")]
    private static partial void LogRevoked(ILogger logger, IEnumerable<TopicPartition> partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} partition(s) lost; their uncommitted requests will be answered again")]
    private static partial void LogLost(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Client} error {Code}: {Reason}")]
    private static partial void LogClientError(ILogger logger, string client, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "librdkafka statistics could not be read")]
    private static partial void LogStatisticsUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(Message = "librdkafka {Facility}: {Message}")]
    private static partial void LogLibrdkafka(ILogger logger, LogLevel level, string facility, string message);
}
