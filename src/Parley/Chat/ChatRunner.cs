using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Parley.Conversations;
using Parley.Errors;
using Parley.Hosting;
using Parley.Providers;
using Parley.Streaming;
using Parley.Tools;
using Parley.Usage;

namespace Parley.Chat;

/// <summary>
/// Runs one <see cref="ChatTurn"/> through the pipeline of its model (<see cref="ChatPipeline"/>, which measures,
/// limits and records it for the turn's caller) and turns the updates into Parley's events.
/// Failures become a final <see cref="ReplyFailed"/> event (logged in full, told in a sentence);
/// the caller's cancellation stops the provider call and ends the stream quietly.
/// </summary>
public sealed partial class ChatRunner(ChatClients clients, ShutdownGrace shutdown, ILogger<ChatRunner> logger,
    Microsoft.Extensions.Options.IOptions<Privacy.ContentLoggingOptions>? contentLogging = null)
{
    public async IAsyncEnumerable<ChatEvent> StreamAsync(ChatTurn turn, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = clients.Get(turn.Model);
        var options = Options(turn);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Expired);
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

            if (failure is not null)
            {
                yield return failure;
                yield break;
            }

            finishReason = update.FinishReason?.Value ?? finishReason;
            answeredBy = update.AnsweredBy() ?? answeredBy;
            if (Relay.RelayPayload.Of(update.RawRepresentation, streamed: true) is { } raw)
                yield return new RawDelta(raw);
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent { Text.Length: > 0 } text:
                        completion?.Append(text.Text);
                        yield return new TextDelta(text.Text, update.MessageId);
                        break;
                    case TextReasoningContent reasoning when reasoning.Text.Length > 0 || reasoning.ProtectedData is { Length: > 0 }:
                        yield return new ReasoningDelta(reasoning.Text, reasoning.ProtectedData);
                        break;
                    case FunctionCallContent call when announced.TryAdd(call.CallId, call.Name):
                        yield return ToolStarted(call, options);
                        break;
                    case FunctionResultContent result:
                        yield return ToolEvents.Completed(result, announced);
                        break;
                    case UsageContent usage:
                        yield return new UsageReported(usage.Details);
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
        var options = Options(turn);
        var logContent = LogPrompt(turn) is not null;
        try
        {
            var response = await clients.Get(turn.Model).GetResponseAsync(turn.Messages, options, cancellationToken);
            if (logContent)
                Privacy.ContentLog.Completion(logger, turn.Model.Id, response.Text);
            return response;
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var failed = Fail(turn.Model, ex);
            throw ex as ParleyException ?? new ParleyException(failed.Code, failed.Status, failed.Message, ex);
        }
    }

    /// <summary>The turn's options for the pipeline: its model's id and its caller, which every layer reads.</summary>
    private static ChatOptions Options(ChatTurn turn)
    {
        var options = turn.Options.Clone().WithCaller(turn.Caller);
        options.ModelId = turn.Model.ModelId;
        return options;
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
        var arguments = ToolContent.ArgumentsJson(call.Arguments); // events carry JSON; unparsable arguments show as {}
        var display = ToolDisplay.Describe(call, options.Tools);
        return new ToolCallStarted(call.CallId, call.Name, arguments, display.Description, display.Action);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} failed with {Code}: {Reason}")]
    private static partial void LogProviderFailure(ILogger logger, string model, string code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Model} failed unexpectedly")]
    private static partial void LogUnexpectedFailure(ILogger logger, string model, Exception exception);
}
