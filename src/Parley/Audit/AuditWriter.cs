using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Parley.Audit;

/// <summary>Writes queued audit events to the store in batches; on shutdown, what is still queued.</summary>
public sealed partial class AuditWriter(AuditLog log, IAuditStore store, ILogger<AuditWriter> logger) : BackgroundService
{
    private const int MaxBatch = 500;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = log.Reader;
        var batch = new List<AuditEvent>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var e))
                    batch.Add(e);
                await WriteAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        while (reader.TryRead(out var left))
        {
            batch.Add(left);
            if (batch.Count >= MaxBatch)
                await WriteAsync(batch);
        }
        await WriteAsync(batch);
    }

    private async Task WriteAsync(List<AuditEvent> batch)
    {
        if (batch.Count == 0)
            return;
        try
        {
            await store.AppendAsync(batch, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogWriteFailed(logger, batch.Count, ex);
        }
        finally
        {
            log.Written(batch.Count);
            batch.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Count} audit events; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, int count, Exception exception);
}
