using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Conversations;
using Parley.Errors;
using Parley.Hosting;
using Parley.Observability;
using Parley.Providers;
using Parley.Resilience;
using Parley.Streaming;
using Parley.Tools;
using Parley.Usage;

namespace Parley.Chat;

/// <summary>
/// Runs one <see cref="ChatTurn"/> through the pipeline of its model and yields Parley's events.
/// Failures become a final <see cref="ReplyFailed"/> event (logged in full, told in a sentence);
/// the caller's cancellation stops the provider call and ends the stream quietly.
/// </summary>
public sealed partial class ChatRunner(ChatClients clients, ShutdownGrace shutdown, ParleyMetrics metrics, UsageRecorder usageRecorder, ILogger<ChatRunner> logger, Limits.IUserLimiter? limiter = null,
    Microsoft.Extensions.Options.IOptions<Privacy.ContentLoggingOptions>? contentLogging = null)
{
    public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = clients.Get(turn.Model);
        var options = turn.Options.Clone().WithCaller(turn.Caller);
        options.ModelId = turn.Model.ModelId;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Expired);
        using var measurement = new CallMeasurement(metrics, turn.Model.Id, streaming: true, turn.Caller, usageRecorder, limiter);
        var token = linked.Token;
        var completion = LogPrompt(turn);

        await using var updates = client.GetStreamingResponseAsync(turn.Messages, options, token).GetAsyncEnumerator(token);
        string? finishReason = null;
        string? answeredBy = null;
        var announced = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            ChatResponseUpdate update;
            ChatEvent? failure = null;
            try
            {
                if (!await updates.MoveNextAsync())
                    break;
                update = updates.Current;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                measurement.Cancelled();
                yield break;
            }
            catch (OperationCanceledException) when (shutdown.Expired.IsCancellationRequested)
            {
                failure = new ReplyFailed(ErrorCodes.ServerShuttingDown,
                    "The server is restarting, so this reply was cut short. What was written so far is kept; send the message again in a moment.", 503);
                update = null!;
            }
            catch (Exception ex)
            {
                failure = Fail(turn.Model, ex);
                update = null!;
            }

            if (failure is ReplyFailed failed)
            {
                measurement.Fail(failed.Code);
                yield return failure;
                yield break;
            }

            finishReason = update.FinishReason?.Value ?? finishReason;
            answeredBy = ResilientChatClient.AnsweredBy(update.AdditionalProperties) ?? answeredBy;
            measurement.AnsweredBy(answeredBy);
            if (Caching.CachingChatClient.IsHit(update.AdditionalProperties))
                measurement.Cached();
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent { Text.Length: > 0 } text:
                        measurement.Token();
                        completion?.Append(text.Text);
                        yield return new TextDelta(text.Text);
                        break;
                    case FunctionCallContent call when announced.TryAdd(call.CallId, call.Name):
                        yield return ToolStarted(call, options);
                        break;
                    case FunctionResultContent result:
                        yield return ToolEvents.Completed(result, announced);
                        break;
                    case UsageContent usage:
                        var tokens = ToUsage(usage.Details);
                        measurement.Usage(tokens);
                        yield return new UsageReported(tokens);
                        break;
                }
            }
        }
        if (completion is not null)
            Privacy.ContentLog.Completion(logger, turn.Model.Id, completion.ToString());
        // A fallback model may have answered instead of the requested one (see ResilientChatClient).
        yield return new ReplyFinished(finishReason, answeredBy ?? turn.Model.Id);
    }

    /// <summary>The non-streaming path (OpenAI-compatible API without <c>stream</c>); throws <see cref="ParleyException"/>s.</summary>
    public async Task<ChatResponse> CompleteAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        var options = turn.Options.Clone().WithCaller(turn.Caller);
        options.ModelId = turn.Model.ModelId;
        using var measurement = new CallMeasurement(metrics, turn.Model.Id, streaming: false, turn.Caller, usageRecorder, limiter);
        var logContent = LogPrompt(turn) is not null;
        try
        {
            var response = await clients.Get(turn.Model).GetResponseAsync(turn.Messages, options, cancellationToken);
            if (logContent)
                Privacy.ContentLog.Completion(logger, turn.Model.Id, response.Text);
            if (response.Usage is { } usage)
                measurement.Usage(ToUsage(usage));
            measurement.AnsweredBy(ResilientChatClient.AnsweredBy(response.AdditionalProperties));
            if (Caching.CachingChatClient.IsHit(response.AdditionalProperties))
                measurement.Cached();
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            measurement.Cancelled();
            throw;
        }
        catch (Exception ex)
        {
            var failed = Fail(turn.Model, ex);
            measurement.Fail(failed.Code);
            throw ex as ParleyException ?? new ParleyException(failed.Code, failed.Status, failed.Message, ex);
        }
    }

    public static TokenUsage ToUsage(UsageDetails details)
    {
        var input = details.InputTokenCount ?? 0;
        var output = details.OutputTokenCount ?? 0;
        return new TokenUsage(input, output, details.TotalTokenCount ?? input + output);
    }

    /// <summary>Logs the turn's newest message when content logging is on, and returns where to collect the completion (null when off).</summary>
    private System.Text.StringBuilder? LogPrompt(ChatTurn turn)
    {
        if (!Privacy.ContentLog.Enabled(contentLogging?.Value, logger) || turn.Messages.Count == 0)
            return null;
        Privacy.ContentLog.Prompt(logger, turn.Model.Id, turn.Messages[^1].Text);
        return new System.Text.StringBuilder();
    }

    private ReplyFailed Fail(ModelEntry model, Exception ex)
    {
        if (ex is ParleyException known)
        {
            // Upstream error texts can quote the request; they are logged redacted.
            var reason = Privacy.Redactor.Redact(known.Message);
            LogProviderFailure(logger, model.Id, known.Code, reason);
            return new ReplyFailed(known.Code, known.Message, known.Status);
        }
        LogUnexpectedFailure(logger, model.Id, ex);
        return new ReplyFailed(ErrorCodes.Internal, "Something went wrong while writing the reply. Try again; if it keeps happening, check the server log.", 500);
    }

    private static ToolCallStarted ToolStarted(FunctionCallContent call, ChatOptions options)
    {
        var arguments = call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments);
        var display = ToolDisplay.Describe(call, options.Tools);
        return new ToolCallStarted(call.CallId, call.Name, arguments, display.Description, display.Action);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} failed with {Code}: {Reason}")]
    private static partial void LogProviderFailure(ILogger logger, string model, string code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Model} failed unexpectedly")]
    private static partial void LogUnexpectedFailure(ILogger logger, string model, Exception exception);
}
