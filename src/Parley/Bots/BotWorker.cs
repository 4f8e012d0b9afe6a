using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Errors;
using Parley.Streaming;

namespace Parley.Bots;

/// <summary>
/// Answers acknowledged bot messages with the conversation engine, then delivers the answers from the
/// outbox with retries (exponential backoff with jitter, honouring Retry-After) until the platform accepts one.
/// </summary>
public sealed partial class BotWorker(
    IBotStore store,
    ConversationEngine engine,
    BotPlatformRegistry platforms,
    BotDeliveryClients clients,
    BotSignals signals,
    IOptions<BotsOptions> options,
    TimeProvider time,
    ILogger<BotWorker> logger,
    Limits.IUserLimiter? limiter = null) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        LoopAsync("answer", AnswerPendingAsync, token => signals.WaitForMessageAsync(TimeSpan.FromSeconds(2), token), stoppingToken),
        LoopAsync("delivery", DeliverDueAsync, token => signals.WaitForAnswerAsync(TimeSpan.FromMilliseconds(500), token), stoppingToken));

    /// <summary>Runs <paramref name="passAsync"/> until stopped, idling when a pass found nothing; a failing pass is logged and retried.</summary>
    private async Task LoopAsync(string name, Func<CancellationToken, Task<int>> passAsync, Func<CancellationToken, Task> idleAsync, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await passAsync(stoppingToken) == 0)
                    await idleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, name, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<int> AnswerPendingAsync(CancellationToken stoppingToken)
    {
        var pending = await store.PendingInboxAsync(8, stoppingToken);
        foreach (var item in pending)
            await AnswerAsync(item, stoppingToken);
        return pending.Count;
    }

    private async Task<int> DeliverDueAsync(CancellationToken stoppingToken)
    {
        var due = await store.DueOutboxAsync(time.GetUtcNow(), 16, stoppingToken);
        await Task.WhenAll(due.Select(item => DeliverAsync(item, stoppingToken)));
        return due.Count;
    }

    private async Task AnswerAsync(BotInboxItem item, CancellationToken stoppingToken)
    {
        if (!options.Value.Bots.TryGetValue(item.Bot, out var bot))
        {
            LogUnknownBot(logger, item.Bot);
            return;
        }

        var caller = new Usage.Caller(BotOwners.Of(item.Bot, item.UserId), "bot");
        string answer;
        try
        {
            // The bot user's limits, before anything is stored: a refusal is answered in the chat like any other failure.
            if (limiter is not null && await limiter.TryStartAsync(BotOwners.Of(item.Bot, item.UserId)) is { } refused)
                throw refused;
            var prepared = await engine.PrepareSendAsync(
                caller, item.ConversationId, new SendMessage(item.Text, [], null, false, bot.Model), stoppingToken);
            answer = await BotReplies.CollectAsync(engine.StreamAsync(prepared, stoppingToken));
        }
        catch (ParleyException ex) when (ex.Code == ErrorCodes.ReplyInProgress)
        {
            return; // The thread's previous message is still being answered; this one waits for the next pass.
        }
        catch (ParleyException ex)
        {
            answer = $"Sorry, I could not answer: {ex.Message}";
        }

        // Stopped mid-answer (shutdown): the reply was cut short, so the message stays in the inbox for the next start.
        if (stoppingToken.IsCancellationRequested)
            return;

        var message = new BotMessage(item.UserId, item.ThreadId, item.Text, item.ReplyTo);
        var delivery = platforms.Get(bot.Platform).Deliver(bot, message, item.ThreadId, answer);
        var now = time.GetUtcNow();
        await store.CompleteInboxAsync(item.Id, new BotOutboxItem(Ids.New("out"), item.Id, item.Bot, delivery.Url, delivery.Payload, 0, now, now), CancellationToken.None);
        signals.AnswerQueued();
    }

    private async Task DeliverAsync(BotOutboxItem item, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var bot = settings.Bots.GetValueOrDefault(item.Bot);
        var attempts = item.Attempts + 1;
        TimeSpan? retryAfter = null;
        string failure;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, item.Url) { Content = new StringContent(item.Payload, Encoding.UTF8, "application/json") };
            if (bot?.ApiKey is { Length: > 0 } key)
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(settings.DeliveryTimeout);
            using var response = await clients.For(bot, item.Url).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                await store.MarkDeliveredAsync(item.Id, time.GetUtcNow(), CancellationToken.None);
                LogDelivered(logger, item.Id, item.Bot, attempts);
                return;
            }
            failure = $"HTTP {(int)response.StatusCode}";
            retryAfter = response.Headers.RetryAfter?.Delta;
            if (!IsRetryable(response.StatusCode))
            {
                await GiveUpAsync(item, attempts, failure);
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // Stays due in the outbox; delivered after the restart.
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            failure = ex is OperationCanceledException ? "timed out" : ex.Message;
        }

        if (attempts >= settings.MaxDeliveryAttempts)
        {
            await GiveUpAsync(item, attempts, failure);
            return;
        }
        var delay = retryAfter ?? Backoff(settings.RetryBaseDelay, attempts);
        LogRetry(logger, item.Id, attempts, failure, delay.TotalSeconds);
        await store.RecordFailureAsync(item.Id, attempts, time.GetUtcNow() + delay, failure, CancellationToken.None);
    }

    private async Task GiveUpAsync(BotOutboxItem item, int attempts, string failure)
    {
        LogGaveUp(logger, item.Id, item.Bot, attempts, failure);
        await store.RecordFailureAsync(item.Id, attempts, null, failure, CancellationToken.None);
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    internal static TimeSpan Backoff(TimeSpan baseDelay, int attempts)
    {
        var exponential = baseDelay.TotalMilliseconds * Math.Pow(2, attempts - 1);
        var jittered = exponential * (0.8 + Random.Shared.NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Min(jittered, TimeSpan.FromMinutes(5).TotalMilliseconds));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The bot {Loop} loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message for unknown bot {Bot} was left unanswered")]
    private static partial void LogUnknownBot(ILogger logger, string bot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {Id} for bot {Bot} on attempt {Attempts}")]
    private static partial void LogDelivered(ILogger logger, string id, string bot, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Id} attempt {Attempts} failed ({Failure}); retrying in {Seconds:0.#} s")]
    private static partial void LogRetry(ILogger logger, string id, int attempts, string failure, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up delivering {Id} for bot {Bot} after {Attempts} attempts ({Failure})")]
    private static partial void LogGaveUp(ILogger logger, string id, string bot, int attempts, string failure);
}
