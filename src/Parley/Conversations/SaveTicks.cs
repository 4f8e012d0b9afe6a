using System.Runtime.CompilerServices;
using Parley.Streaming;

namespace Parley.Conversations;

/// <summary>
/// A reply's events with a <c>null</c> tick at least every interval, including while the provider is silent, so the
/// engine can save text already shown before a stall or a crash instead of waiting for the next event.
/// </summary>
internal static class SaveTicks
{
    public static async IAsyncEnumerable<ChatEvent?> WithTicks(
        Func<CancellationToken, IAsyncEnumerable<ChatEvent>> events, TimeSpan interval, TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var source = events(stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool>? next = null;
        try
        {
            var tick = Task.Delay(interval, time, CancellationToken.None);
            while (true)
            {
                next ??= source.MoveNextAsync().AsTask();
                if (!next.IsCompleted)
                {
                    // One timer per interval, not per event: a fast stream pays for a tick only once a second.
                    if (await Task.WhenAny(next, tick) == tick)
                    {
                        tick = Task.Delay(interval, time, CancellationToken.None);
                        yield return null;
                        continue;
                    }
                }
                if (!await next)
                    yield break;
                next = null;
                yield return source.Current;
                if (tick.IsCompleted)
                {
                    tick = Task.Delay(interval, time, CancellationToken.None);
                    yield return null;
                }
            }
        }
        finally
        {
            // The consumer left early (an exception in its loop): end the provider call before disposing the source,
            // which cannot be disposed while a MoveNextAsync is pending.
            if (next is { IsCompleted: false })
            {
                await stop.CancelAsync();
                try
                {
                    await next;
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                }
            }
            await source.DisposeAsync();
        }
    }
}
