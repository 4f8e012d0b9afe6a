using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Parley.Kafka;

/// <summary>librdkafka's callbacks: client errors, statistics and log lines.</summary>
internal sealed partial class KafkaWorker
{
    private void OnError(string client, Error error)
    {
        if (error.IsFatal)
            status.Fatal = $"{client}: {error.Reason}";
        else if (error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport)
            status.Disconnected(error.Reason);
        else
            status.LastError = error.Reason;
        LogClientError(logger, client, error.Code, error.Reason);
    }

    private void OnStatistics(string json, string topic)
    {
        try
        {
            status.ReadStatistics(json, topic);
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogStatisticsUnreadable(logger, ex);
        }
    }

    private void OnLog(LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        LogLibrdkafka(logger, level, message.Facility, message.Message);
    }
}
