using Parley.Limits;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Conversations;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Kafka;

/// <summary>What to send back for one request: the response value, and whether the raw request also goes to the dead-letter topic.</summary>
public sealed record KafkaOutcome(byte[] Response, string? ErrorCode, string? ErrorMessage, bool DeadLetter)
{
    public bool Failed => ErrorCode is not null;
}

/// <summary>
/// Answers one seed 001 request with the same engine every surface uses (TurnFactory + ChatRunner): checks its
/// signature (SECRET_KEY), validates it, applies the per-user limits, makes at most 1 + MAX_RETRIES attempts at the
/// model with TIMEOUT per attempt (the pipeline's own retries are capped to none for these turns, so attempts do not
/// multiply), and turns every failure into an error response. Only the caller's cancellation (shutdown) escapes.
/// The response names the model the way the request (or MODEL) did: <c>gpt-4o-mini</c> stays <c>gpt-4o-mini</c>.
/// </summary>
internal sealed partial class KafkaRequestHandler(
    TurnFactory turns,
    ChatRunner runner,
    IUserLimiter limiter,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<ParleyOptions> parleyOptions,
    TimeProvider time,
    ILogger<KafkaRequestHandler> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <param name="signature">The request's signature header, when it carries one.</param>
    public async Task<KafkaOutcome> HandleAsync(ReadOnlyMemory<byte> value, string? signature, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var options = kafkaOptions.Value;
        var parley = parleyOptions.Value;
        string? modelName = null;
        try
        {
            KafkaSignature.Verify(options, value.Span, signature);
            var request = KafkaRequest.Parse(value, parley.MaxMessageChars);
            var caller = new Usage.Caller(request.UserEmail is { Length: > 0 } email ? email : "kafka", "kafka");
            var requested = string.IsNullOrWhiteSpace(request.Model) ? options.Model : request.Model;
            var model = turns.ResolveModel(requested, caller);
            modelName = requested ?? model.Id;
            if (request.UserEmail is { Length: > 0 } user && await limiter.TryStartAsync(user) is { } refused)
                return Fail(refused.Code, refused.Message, modelName, started, deadLetter: false);

            var turn = turns.Create(model, caller, SystemPrompt(request), History(request, parley),
                new TurnSettings(request.Temperature ?? options.Temperature, request.MaxTokens ?? options.MaxTokens));
            modelName = Reported(requested, model, turn.Model);
            (turn.Options.AdditionalProperties ??= [])[Resilience.ResilientChatClient.MaxRetriesKey] = 0;
            var response = await CompleteWithRetriesAsync(turn, options, cancellationToken);

            var usage = response.Usage is { } details ? TokenUsage.From(details) : new TokenUsage(0, 0, 0);
            return new KafkaOutcome(
                KafkaResponse.Answer(response.Text, modelName, usage, response.FinishReason?.Value ?? "stop", time.GetUtcNow(), Stopwatch.GetElapsedTime(started)),
                null, null, DeadLetter: false);
        }
        catch (ParleyException ex)
        {
            return Fail(ex.Code, ex.Message, modelName, started, deadLetter: true);
        }
    }

    /// <summary>
    /// The model as the request named it; when images sent the turn to the vision model, that model in the same form
    /// (bare when the request named a bare model, <c>provider/model</c> otherwise).
    /// </summary>
    private static string Reported(string? requested, ModelEntry resolved, ModelEntry answering)
    {
        if (requested is null)
            return answering.Id;
        if (answering.Id == resolved.Id)
            return requested;
        return requested.Contains('/', StringComparison.Ordinal) ? answering.Id : answering.ModelId;
    }

    private async Task<ChatResponse> CompleteWithRetriesAsync(ChatTurn turn, KafkaOptions options, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            ParleyException failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
                try
                {
                    return await runner.CompleteAsync(turn, timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = ProviderErrors.Timeout(turn.Model.Provider);
                }
                catch (ProviderException ex) when (ex.IsTransient)
                {
                    failure = ex;
                }
            }

            if (attempt >= options.MaxRetries)
                throw failure;
            var delay = Backoff(attempt, (failure as ProviderException)?.RetryAfter);
            LogRetry(logger, turn.Model.Id, failure.Code, attempt + 1, options.MaxRetries, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private static TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt));
        var wanted = retryAfter is { } after && after > exponential ? after : exponential;
        return wanted < MaxBackoff ? wanted : MaxBackoff;
    }

    private static string? SystemPrompt(KafkaRequest request)
    {
        if (request.ContextText is null)
            return request.SystemPrompt;
        var context = $"Previous conversation context:\n{request.ContextText}";
        return string.IsNullOrWhiteSpace(request.SystemPrompt) ? context : $"{request.SystemPrompt}\n\n{context}";
    }

    private static List<ChatMessage> History(KafkaRequest request, ParleyOptions parley)
    {
        var history = new List<ChatMessage>(request.ContextMessages ?? []);
        var user = new ChatMessage(ChatRole.User, request.Message);
        var images = request.Images ?? [];
        if (images.Count > parley.MaxImagesPerMessage)
            throw new ParleyException(ErrorCodes.InvalidImage, 400, $"The request has {images.Count} images; the limit is {parley.MaxImagesPerMessage}.");
        foreach (var image in images)
        {
            var (data, mediaType) = ImageInput.Decode(image, parley.MaxImageBytes);
            user.Contents.Add(new DataContent(data, mediaType));
        }
        history.Add(user);
        return history;
    }

    private KafkaOutcome Fail(string code, string message, string? model, long started, bool deadLetter)
    {
        var reason = Privacy.Redactor.Redact(message);
        LogFailure(logger, code, reason);
        return new KafkaOutcome(KafkaResponse.Error(code, message, model, time.GetUtcNow(), Stopwatch.GetElapsedTime(started)), code, message, deadLetter);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} failed with {Code}; retry {Attempt} of {MaxRetries} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string model, string code, int attempt, int maxRetries, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka request answered with error {Code}: {Reason}")]
    private static partial void LogFailure(ILogger logger, string code, string reason);
}
