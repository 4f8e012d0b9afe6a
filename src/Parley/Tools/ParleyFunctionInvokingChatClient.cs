using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Tools;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="FunctionInvokingChatClient"/> with Parley's limits: calls of one round run in
/// parallel, each within <see cref="ToolLoopOptions.ToolTimeout"/>, at most <see cref="ToolLoopOptions.MaxCallsPerRound"/>
/// of them, results capped at <see cref="ToolLoopOptions.MaxResultChars"/>, and at most
/// <see cref="ToolLoopOptions.MaxRounds"/> rounds.
/// </summary>
/// <remarks>
/// <para>A call that declares no tools goes to the model directly (the base loop costs a Guid and an orchestration
/// layer per call, 1% of the relay path's CPU in a profile, for nothing it could run).</para>
/// <para>Calls to declaration-only tools (client tools on the OpenAI-compatible API) are returned to the caller
/// unexecuted; if one round mixes both kinds, nothing is run.</para>
/// <para>A failed call (unknown tool, arguments that are not JSON or do not fit, a tool that throws, hangs or is one
/// call too many) becomes a <see cref="FunctionResultContent"/> whose <see cref="FunctionResultContent.Exception"/> is a
/// <see cref="ToolException"/> with a message safe for the model and the user (<see cref="ToolContent.Failed"/>);
/// the loop goes on. Only cancellation by the caller ends it with an exception.</para>
/// <para>Streaming: text is yielded as it arrives; a round's calls are yielded in one assistant update when they start
/// running and each result as its tool finishes. A model still asking for tools after the last round gets no more
/// tool runs: its calls are dropped and a closing text says why (<see cref="RoundLimitReachedKey"/>).</para>
/// </remarks>
public sealed partial class ParleyFunctionInvokingChatClient : FunctionInvokingChatClient
{
    /// <summary>Set to <c>true</c> in the final response's or update's AdditionalProperties when the round limit stopped the loop.</summary>
    public const string RoundLimitReachedKey = "parley.tool_round_limit_reached";

    private const int MaxErrorDetailChars = 300;

    // The request a tool call belongs to, for streaming its result early and naming the tools an unknown call missed.
    private static readonly AsyncLocal<ToolRequest?> CurrentRequest = new();

    private readonly ToolLoopOptions _options;
    private readonly ILogger _logger;

    /// <remarks>The base class gets no logger factory: tool errors can quote their arguments, so they are logged here, redacted.</remarks>
    public ParleyFunctionInvokingChatClient(IChatClient innerClient, ToolLoopOptions? options = null, ILogger<ParleyFunctionInvokingChatClient>? logger = null)
        : base(innerClient)
    {
        _options = options ?? new ToolLoopOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        AllowConcurrentInvocation = true;
        MaximumIterationsPerRequest = _options.MaxRounds;
        // Failures are answered to the model, never rethrown; the round limit bounds a model that keeps failing.
        MaximumConsecutiveErrorsPerRequest = int.MaxValue;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.Tools is not { Count: > 0 })
            return await InnerClient.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);

        CurrentRequest.Value = new ToolRequest(options?.Tools, streamed: false);
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var unanswered = Unanswered(response.Messages);
        if (unanswered.Count == 0 || HasDeclarationOnlyCall(unanswered, options))
            return response;

        LogRoundLimit(_logger, _options.MaxRounds);
        foreach (var message in response.Messages)
            message.Contents = [.. message.Contents.Where(c => c is not FunctionCallContent call || !unanswered.Contains(call))];
        response.Messages = [.. response.Messages.Where(m => m.Contents.Count > 0)];
        response.Messages.Add(new ChatMessage(ChatRole.Assistant, RoundLimitText));
        response.FinishReason = ChatFinishReason.Stop;
        (response.AdditionalProperties ??= [])[RoundLimitReachedKey] = true;
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (options?.Tools is not { Count: > 0 })
        {
            // Nothing can run, so the call goes straight to the model; a call to a tool nobody declared passes on as it came.
            await foreach (var update in InnerClient.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
                yield return update;
            yield break;
        }

        var request = new ToolRequest(options.Tools, streamed: true);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var updates = base.GetStreamingResponseAsync(messages, options, stop.Token).GetAsyncEnumerator(stop.Token);
        Task<bool>? moving = null;
        try
        {
            List<FunctionCallContent>? held = null;
            ChatResponseUpdate? last = null;
            Task<bool>? signalled = null;
            while (true)
            {
                CurrentRequest.Value = request;
                moving = updates.MoveNextAsync().AsTask();
                while (true)
                {
                    // While the base loop waits for tools, their starts and results are yielded as they happen.
                    // Everything a tool wrote before the loop moved on is read after seeing it move on.
                    var moved = moving.IsCompleted;
                    while (request.Events.Reader.TryRead(out var finished))
                    {
                        if (held is not null)
                        {
                            yield return CallsUpdate(last, held);
                            held = null;
                        }

                        if (finished is not null)
                            yield return request.ResultUpdate(finished);
                    }

                    if (moved)
                        break;
                    signalled ??= request.Events.Reader.WaitToReadAsync(stop.Token).AsTask();
                    if (await Task.WhenAny(moving, signalled).ConfigureAwait(false) == signalled)
                        signalled = null;
                }

                var hasNext = await moving.ConfigureAwait(false);
                moving = null;
                if (!hasNext)
                    break;

                var current = updates.Current;
                if (current.Role == ChatRole.Tool)
                {
                    // The base loop's results of a round: calls first, then the results not yielded as they finished.
                    if (held is not null)
                    {
                        yield return CallsUpdate(last, held);
                        held = null;
                    }

                    if (request.Unsent(current) is { } rest)
                        yield return rest;
                    continue;
                }

                if (!HasPendingCall(current))
                {
                    yield return current;
                    continue;
                }

                last = current;
                held ??= [];
                List<AIContent>? others = null;
                foreach (var content in current.Contents)
                {
                    if (content is FunctionCallContent { InformationalOnly: false } call)
                        held.Add(call);
                    else
                        (others ??= []).Add(content);
                }

                if (others is not null)
                {
                    var partial = current.Clone();
                    partial.Contents = others;
                    yield return partial;
                }
            }

            if (held is null)
                yield break;
            if (HasDeclarationOnlyCall(held, options))
            {
                yield return CallsUpdate(last, held);
                yield break;
            }

            LogRoundLimit(_logger, _options.MaxRounds);
            yield return new ChatResponseUpdate(ChatRole.Assistant, RoundLimitText)
            {
                MessageId = last?.MessageId,
                ResponseId = last?.ResponseId,
                ModelId = last?.ModelId,
                FinishReason = ChatFinishReason.Stop,
                AdditionalProperties = new() { [RoundLimitReachedKey] = true },
            };
        }
        finally
        {
            if (moving is not null)
            {
                // The caller stopped reading while tools ran: stop them before letting go of the loop.
                await stop.CancelAsync().ConfigureAwait(false);
                await ((Task)moving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await updates.DisposeAsync().ConfigureAwait(false);
        }
    }

    protected override async ValueTask<object?> InvokeFunctionAsync(FunctionInvocationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = CurrentRequest.Value;
        request?.RoundStarted(context.Iteration);
        var call = context.CallContent;
        try
        {
            var result = await RunAsync(context, cancellationToken).ConfigureAwait(false);
            request?.Finished(new FunctionResultContent(call.CallId, result));
            return result;
        }
        catch (ToolException ex)
        {
            request?.Finished(ToolContent.Failed(call.CallId, ex));
            throw;
        }
    }

    protected override IList<ChatMessage> CreateResponseMessages(ReadOnlySpan<FunctionInvocationResult> results)
    {
        var contents = new List<AIContent>(results.Length);
        foreach (var result in results)
        {
            var callId = result.CallContent.CallId;
            contents.Add(result.Status switch
            {
                FunctionInvocationStatus.RanToCompletion => new FunctionResultContent(callId, result.Result),
                FunctionInvocationStatus.NotFound => ToolContent.Failed(callId, UnknownTool(result.CallContent.Name)),
                _ => ToolContent.Failed(callId, result.Exception ?? new ToolException($"{result.CallContent.Name} failed.")),
            });
        }

        return [new ChatMessage(ChatRole.Tool, contents) { MessageId = CurrentRequest.Value?.ToolMessageId }];
    }

    /// <summary>Runs one call within its timeout; every failure but the caller's cancellation becomes a <see cref="ToolException"/>.</summary>
    private async Task<string> RunAsync(FunctionInvocationContext context, CancellationToken cancellationToken)
    {
        var call = context.CallContent;
        if (context.FunctionCallIndex >= _options.MaxCallsPerRound)
            throw new ToolException($"too many tool calls in one round (at most {_options.MaxCallsPerRound} run); call this one again later.");

        if (call.Exception is not null)
        {
            LogBadArguments(_logger, call.Name, call.Exception);
            throw new ToolException($"the arguments for {call.Name} are not valid JSON ({Shorten(call.Exception.Message)}). "
                + "Call the tool again with a JSON object that matches its schema.", call.Exception);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ToolTimeout);
        try
        {
            // WaitAsync cuts off a tool that ignores its cancellation token.
            var result = await base.InvokeFunctionAsync(context, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            return ToolResultText.Format(result, context.Function.JsonSerializerOptions, _options.MaxResultChars);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimeout(_logger, call.Name, _options.ToolTimeout.TotalSeconds);
            throw new ToolException($"{call.Name} did not finish within {_options.ToolTimeout.TotalSeconds:0.#} seconds and was stopped.", ex);
        }
        catch (ToolException ex)
        {
            // Tool errors can quote their arguments (a URL, an expression): logged redacted.
            var reason = Privacy.Redactor.Redact(ex.Message);
            LogToolError(_logger, call.Name, reason);
            throw;
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // Argument binding failures (missing or mistyped parameters): their message helps the model fix the call.
            LogFailed(_logger, call.Name, ex);
            throw new ToolException($"the arguments for {call.Name} do not fit its parameters ({Shorten(ex.Message)}).", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(_logger, call.Name, ex);
            throw new ToolException($"{call.Name} failed unexpectedly; the error was logged on the server.", ex);
        }
    }

    private ToolException UnknownTool(string name)
    {
        LogUnknownTool(_logger, name);
        var available = CurrentRequest.Value?.Tools?.OfType<AIFunction>().Select(t => t.Name).ToList() ?? [];
        return new ToolException(available.Count == 0
            ? $"there is no tool named \"{Shorten(name)}\" and no tools are available."
            : $"there is no tool named \"{Shorten(name)}\". Available tools: {string.Join(", ", available)}.");
    }

    private string RoundLimitText =>
        $"Stopped after {_options.MaxRounds} tool rounds: the model kept asking for tools without giving an answer.";

    private static bool HasPendingCall(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            if (content is FunctionCallContent { InformationalOnly: false })
                return true;
        }

        return false;
    }

    /// <summary>Calls in <paramref name="messages"/> without a result there.</summary>
    private static List<FunctionCallContent> Unanswered(IList<ChatMessage> messages)
    {
        var contents = messages.SelectMany(m => m.Contents).ToList();
        var answered = contents.OfType<FunctionResultContent>().Select(r => r.CallId).ToHashSet(StringComparer.Ordinal);
        return [.. contents.OfType<FunctionCallContent>().Where(c => !answered.Contains(c.CallId))];
    }

    private static bool HasDeclarationOnlyCall(List<FunctionCallContent> calls, ChatOptions? options) =>
        options?.Tools is { Count: > 0 } tools
        && calls.Any(call => tools.Any(t => t is AIFunctionDeclaration and not AIFunction && t.Name == call.Name));

    private static ChatResponseUpdate CallsUpdate(ChatResponseUpdate? last, List<FunctionCallContent> calls) =>
        new(ChatRole.Assistant, [.. calls])
        {
            MessageId = last?.MessageId,
            ResponseId = last?.ResponseId,
            ModelId = last?.ModelId,
            CreatedAt = last?.CreatedAt,
            FinishReason = ChatFinishReason.ToolCalls,
        };

    private static string Shorten(string text) =>
        text.Length <= MaxErrorDetailChars ? text : string.Concat(text.AsSpan(0, MaxErrorDetailChars), "...");

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Tool loop stopped after {MaxRounds} rounds; the model kept requesting tools")]
    private static partial void LogRoundLimit(ILogger logger, int maxRounds);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Model called unknown tool {ToolName}")]
    private static partial void LogUnknownTool(ILogger logger, string toolName);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Model sent unparseable arguments for tool {ToolName}")]
    private static partial void LogBadArguments(ILogger logger, string toolName, Exception exception);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Tool {ToolName} timed out after {Seconds} s")]
    private static partial void LogTimeout(ILogger logger, string toolName, double seconds);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Tool {ToolName} reported an error: {Error}")]
    private static partial void LogToolError(ILogger logger, string toolName, string error);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error, Message = "Tool {ToolName} threw")]
    private static partial void LogFailed(ILogger logger, string toolName, Exception exception);
}
