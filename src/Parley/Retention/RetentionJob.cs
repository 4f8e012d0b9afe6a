using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Parley.Retention;

/// <summary>Runs <see cref="RetentionService"/> at startup and then every <see cref="RetentionOptions.IntervalMinutes"/> (on the injected clock).</summary>
public sealed partial class RetentionJob(RetentionService retention, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the stores initialize (their hosted services start first) and the server come up.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await retention.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogRunFailed(logger, ex);
            }
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(options.Value.IntervalMinutes), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The retention run failed; it runs again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
