using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Parley.Tools;

/// <summary>
/// Parley's own function-invocation loop (Microsoft.Extensions.AI's FunctionInvokingChatClient is not in the
/// package registry here). When the model asks for tools that are invocable <see cref="AIFunction"/>s in
/// <see cref="ChatOptions.Tools"/>, it runs them in parallel, appends the assistant message with the calls and a
/// tool message with the results, and asks the model again until it answers without calls or
/// <see cref="ToolLoopOptions.MaxRounds"/> rounds have run.
/// </summary>
/// <remarks>
/// <para>Calls to tools that are only declarations (client-supplied tools on the OpenAI-compatible API) are not run:
/// the response carrying them is returned to the caller unchanged. If one round mixes both kinds, nothing is run.</para>
/// <para>Streaming: text is yielded as it arrives; the round's <see cref="FunctionCallContent"/>s are yielded in one
/// assistant update when the round's stream ends (the moment they are run, so a surface emits <c>tool_start</c>);
/// each finished tool yields a <see cref="ChatRole.Tool"/> update with its <see cref="FunctionResultContent"/>
/// (<c>tool_end</c>); <see cref="UsageContent"/> of every round passes through.</para>
/// <para>A bad call (unknown tool, arguments that are not JSON, a tool that throws, hangs or returns too much) becomes
/// an <c>Error: ...</c> result the model sees; only cancellation by the caller ends the loop with an exception.</para>
/// </remarks>
public sealed partial class ToolInvokingChatClient : DelegatingChatClient
{
    /// <summary>Set to <c>true</c> in the final response's or update's AdditionalProperties when the round limit stopped the loop.</summary>
    public const string RoundLimitReachedKey = "parley.tool_round_limit_reached";

    private const int MaxErrorDetailChars = 300;

    private readonly ToolLoopOptions _options;
    private readonly ILogger _logger;

    public ToolInvokingChatClient(IChatClient innerClient, ToolLoopOptions? options = null, ILogger<ToolInvokingChatClient>? logger = null)
        : base(innerClient)
    {
        _options = options ?? new ToolLoopOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        var added = new List<ChatMessage>();
        UsageDetails? usage = null;

        for (var round = 0; ; round++)
        {
            var response = await base.GetResponseAsync(history, options, cancellationToken).ConfigureAwait(false);
            usage = Sum(usage, response.Usage);

            var calls = response.Messages.SelectMany(PendingCalls).ToList();
            if (calls.Count == 0 || HasDeclarationOnlyCall(calls, options))
                return Complete(response, added, usage);

            if (round >= _options.MaxRounds)
            {
                LogRoundLimit(_logger, _options.MaxRounds);
                StripCalls(response);
                response.Messages.Add(new ChatMessage(ChatRole.Assistant, RoundLimitText));
                response.FinishReason = ChatFinishReason.Stop;
                (response.AdditionalProperties ??= [])[RoundLimitReachedKey] = true;
                return Complete(response, added, usage);
            }

            var results = await Task.WhenAll(StartAll(calls, options, cancellationToken)).ConfigureAwait(false);
            var toolMessage = new ChatMessage(ChatRole.Tool, [.. results]);
            history.AddRange(response.Messages);
            history.Add(toolMessage);
            added.AddRange(response.Messages);
            added.Add(toolMessage);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();

        for (var round = 0; ; round++)
        {
            var roundUpdates = new List<ChatResponseUpdate>();
            var calls = new List<FunctionCallContent>();
            ChatResponseUpdate? last = null;

            await foreach (var update in base.GetStreamingResponseAsync(history, options, cancellationToken).ConfigureAwait(false))
            {
                roundUpdates.Add(update);
                last = update;
                var pending = PendingCalls(update.Contents).ToList();
                if (pending.Count == 0)
                {
                    yield return update;
                    continue;
                }

                calls.AddRange(pending);
                var rest = update.Contents.Where(c => !pending.Contains(c)).ToList();
                if (rest.Count > 0)
                {
                    var partial = update.Clone();
                    partial.Contents = rest;
                    yield return partial;
                }
            }

            if (calls.Count == 0)
                yield break;

            if (HasDeclarationOnlyCall(calls, options))
            {
                yield return CallsUpdate(last, calls);
                yield break;
            }

            if (round >= _options.MaxRounds)
            {
                LogRoundLimit(_logger, _options.MaxRounds);
                yield return new ChatResponseUpdate(ChatRole.Assistant, RoundLimitText)
                {
                    MessageId = last?.MessageId,
                    ResponseId = last?.ResponseId,
                    ModelId = last?.ModelId,
                    FinishReason = ChatFinishReason.Stop,
                    AdditionalProperties = new() { [RoundLimitReachedKey] = true },
                };
                yield break;
            }

            yield return CallsUpdate(last, calls);

            // The assistant turn as the model produced it (text and calls), then the results in call order.
            history.AddRange(roundUpdates.ToChatResponse().Messages);
            var toolMessageId = $"tool_{Guid.NewGuid():N}";
            using var roundCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var tasks = StartAll(calls, options, roundCts.Token);
            try
            {
                await foreach (var finished in Task.WhenEach(tasks).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    var result = await finished.ConfigureAwait(false);
                    yield return new ChatResponseUpdate(ChatRole.Tool, [result])
                    {
                        MessageId = toolMessageId,
                        CreatedAt = DateTimeOffset.UtcNow,
                    };
                }
            }
            finally
            {
                // The caller stopped reading early: stop the tools still running.
                await roundCts.CancelAsync().ConfigureAwait(false);
            }

            history.Add(new ChatMessage(ChatRole.Tool, [.. tasks.Select(t => t.Result)]) { MessageId = toolMessageId });
        }
    }

    private string RoundLimitText =>
        $"Stopped after {_options.MaxRounds} tool rounds: the model kept asking for tools without giving an answer.";

    private static IEnumerable<FunctionCallContent> PendingCalls(ChatMessage message) => PendingCalls(message.Contents);

    private static IEnumerable<FunctionCallContent> PendingCalls(IEnumerable<AIContent> contents) =>
        contents.OfType<FunctionCallContent>().Where(c => !c.InformationalOnly);

    private static bool HasDeclarationOnlyCall(List<FunctionCallContent> calls, ChatOptions? options) =>
        options?.Tools is { Count: > 0 } tools
        && calls.Any(call => tools.Any(t => t is AIFunctionDeclaration and not AIFunction && t.Name == call.Name));

    private static AIFunction? FindFunction(ChatOptions? options, string name) =>
        options?.Tools?.OfType<AIFunction>().FirstOrDefault(t => t.Name == name);

    private static ChatResponseUpdate CallsUpdate(ChatResponseUpdate? last, List<FunctionCallContent> calls) =>
        new(ChatRole.Assistant, [.. calls])
        {
            MessageId = last?.MessageId,
            ResponseId = last?.ResponseId,
            ModelId = last?.ModelId,
            CreatedAt = last?.CreatedAt,
            FinishReason = ChatFinishReason.ToolCalls,
        };

    private static ChatResponse Complete(ChatResponse response, List<ChatMessage> added, UsageDetails? usage)
    {
        if (added.Count > 0)
        {
            foreach (var (message, index) in added.Select((m, i) => (m, i)))
                response.Messages.Insert(index, message);
        }

        response.Usage = usage;
        return response;
    }

    private static void StripCalls(ChatResponse response)
    {
        foreach (var message in response.Messages)
        {
            var kept = message.Contents.Where(c => c is not FunctionCallContent { InformationalOnly: false }).ToList();
            message.Contents = kept;
        }

        var empty = response.Messages.Where(m => m.Contents.Count == 0).ToList();
        foreach (var message in empty)
            response.Messages.Remove(message);
    }

    private static UsageDetails? Sum(UsageDetails? total, UsageDetails? next)
    {
        if (next is null)
            return total;
        total ??= new UsageDetails();
        total.Add(next);
        return total;
    }

    private List<Task<FunctionResultContent>> StartAll(List<FunctionCallContent> calls, ChatOptions? options, CancellationToken cancellationToken) =>
        calls.Select((call, index) => index < _options.MaxCallsPerRound
                ? InvokeAsync(call, options, cancellationToken)
                : Task.FromResult(Error(call, $"too many tool calls in one round (at most {_options.MaxCallsPerRound} run); call this one again later.")))
            .ToList();

    private async Task<FunctionResultContent> InvokeAsync(FunctionCallContent call, ChatOptions? options, CancellationToken cancellationToken)
    {
        var function = FindFunction(options, call.Name);
        if (function is null)
        {
            var available = options?.Tools?.OfType<AIFunction>().Select(t => t.Name).ToList() ?? [];
            LogUnknownTool(_logger, call.Name);
            return Error(call, available.Count == 0
                ? $"there is no tool named \"{Shorten(call.Name)}\" and no tools are available."
                : $"there is no tool named \"{Shorten(call.Name)}\". Available tools: {string.Join(", ", available)}.");
        }

        if (call.Exception is not null)
        {
            LogBadArguments(_logger, call.Name, call.Exception);
            return Error(call, $"the arguments for {call.Name} are not valid JSON ({Shorten(call.Exception.Message)}). "
                + "Call the tool again with a JSON object that matches its schema.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ToolTimeout);
        try
        {
            var arguments = new AIFunctionArguments(call.Arguments ?? new Dictionary<string, object?>());
            // WaitAsync cuts off a tool that ignores its cancellation token.
            var result = await function.InvokeAsync(arguments, timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
            return new FunctionResultContent(call.CallId, ToolResultText.Format(result, function.JsonSerializerOptions, _options.MaxResultChars));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimeout(_logger, call.Name, _options.ToolTimeout.TotalSeconds);
            return Error(call, $"{call.Name} did not finish within {_options.ToolTimeout.TotalSeconds:0.#} seconds and was stopped.");
        }
        catch (ToolException ex)
        {
            // Tool errors can quote their arguments (a URL, an expression): logged redacted.
            var reason = Privacy.Redactor.Redact(ex.Message);
            LogToolError(_logger, call.Name, reason);
            return Error(call, ex.Message);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // Argument binding failures (missing or mistyped parameters): their message helps the model fix the call.
            LogFailed(_logger, call.Name, ex);
            return Error(call, $"the arguments for {call.Name} do not fit its parameters ({Shorten(ex.Message)}).");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(_logger, call.Name, ex);
            return Error(call, $"{call.Name} failed unexpectedly; the error was logged on the server.");
        }
    }

    private static FunctionResultContent Error(FunctionCallContent call, string message) =>
        new(call.CallId, "Error: " + message);

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
