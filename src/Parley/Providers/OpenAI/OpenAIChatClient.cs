using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Parley.Tools;
using OpenAIChat = OpenAI.Chat;

namespace Parley.Providers.OpenAI;

/// <summary>
/// The OpenAI chat client for translated requests (the relay path forwards OpenAI-compatible chat completions without
/// it): Microsoft.Extensions.AI.OpenAI's adapter, one per upstream model id because that adapter is bound to one, with
/// Parley's edges around it. What this class adds is what a gateway needs and the adapter does not do:
/// <list type="bullet">
/// <item>the SDK's failures and in-stream <c>{"error": …}</c> chunks become Parley's provider errors;</item>
/// <item>the client's tool and response-format schemas reach the upstream verbatim (the adapter rewrites a response
/// format's schema for strict mode even when strict is off, and re-serialises function schemas through its own model);</item>
/// <item>text-only turns travel as plain strings (the form every compatible server understands, where the adapter sends
/// part arrays), tool results as <see cref="ToolContent"/>'s text, and unparsable tool arguments verbatim;</item>
/// <item>a refusal reads as text, and a reply's finish reason arrives once, with its tool calls.</item>
/// </list>
/// </summary>
internal sealed class OpenAIChatClient : IChatClient
{
    private readonly string _providerName;
    private readonly global::OpenAI.OpenAIClient _client;
    private readonly IChatClient _defaultClient;
    private readonly ConcurrentDictionary<string, IChatClient> _clients = new(StringComparer.Ordinal);

    public OpenAIChatClient(string providerName, global::OpenAI.OpenAIClient client, string model)
    {
        _providerName = providerName;
        _client = client;
        _defaultClient = client.GetChatClient(model).AsIChatClient();
        _clients[model] = _defaultClient;
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ChatResponse response;
        try
        {
            response = await ClientFor(options).GetResponseAsync(OpenAIChatMessages.ToUpstream(messages), OpenAIChatOptions.ToUpstream(options), cancellationToken);
        }
        catch (Exception ex) when (OpenAIErrors.Map(_providerName, ex, replyStarted: false, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        foreach (var message in response.Messages)
        {
            FromUpstream(message.Contents, rawArguments: null);
            // The adapter appends the reasoning after the answer; it was written first.
            if (message.Contents.Any(c => c is TextReasoningContent) && message.Contents[0] is not TextReasoningContent)
                message.Contents = [.. message.Contents.OrderBy(c => c is TextReasoningContent ? 0 : 1)];
        }

        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = ClientFor(options).GetStreamingResponseAsync(
            OpenAIChatMessages.ToUpstream(messages), OpenAIChatOptions.ToUpstream(options), cancellationToken);
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        var rawArguments = new StreamingToolArguments();
        var started = false;
        var finished = false;
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                    break;
            }
            catch (Exception ex) when (OpenAIErrors.Map(_providerName, ex, started, cancellationToken) is { } mapped)
            {
                throw mapped;
            }

            var update = enumerator.Current;
            if (update.RawRepresentation is OpenAIChat.StreamingChatCompletionUpdate raw)
            {
                if (raw.CompletionId is null && OpenAIErrors.FromStreamError(_providerName, raw) is { } streamError)
                    throw streamError;
                var deltas = raw.ToolCallUpdates;
                for (var i = 0; i < deltas.Count; i++)
                    rawArguments.Add(deltas[i]);
                // The adapter repeats the finish reason on every later update and on the update it builds from the
                // gathered calls; Parley's events want it once: with the calls, or else where the upstream sent it.
                if (!rawArguments.IsEmpty || finished)
                    update.FinishReason = null;
                finished |= update.FinishReason is not null;
            }
            else if (update.Contents.Any(c => c is FunctionCallContent))
            {
                update.FinishReason ??= ChatFinishReason.ToolCalls; // a stream cut before its finish reason still owes its calls
            }

            started = true;
            FromUpstream(update.Contents, rawArguments);
            if (update.Contents.Count > 0 || update.FinishReason is not null)
                yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType.IsInstanceOfType(this))
            return this;
        return serviceKey is null && serviceType.IsInstanceOfType(_client) ? _client : _defaultClient.GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
    }

    private IChatClient ClientFor(ChatOptions? options) =>
        options?.ModelId is { Length: > 0 } modelId
            ? _clients.GetOrAdd(modelId, id => _client.GetChatClient(id).AsIChatClient())
            : _defaultClient;

    /// <summary>A refusal as text; a call whose arguments the adapter could not parse, re-read from the text the model wrote.</summary>
    private static void FromUpstream(IList<AIContent> contents, StreamingToolArguments? rawArguments)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case ErrorContent { ErrorCode: "Refusal" } refusal:
                    contents[i] = new TextContent(refusal.Message) { RawRepresentation = refusal.RawRepresentation };
                    break;
                case FunctionCallContent { Exception: not null } call
                    when ((call.RawRepresentation as OpenAIChat.ChatToolCall)?.FunctionArguments?.ToString() ?? rawArguments?.For(call.CallId)) is { } text:
                    contents[i] = ToolContent.ParseCall(call.CallId, call.Name, text);
                    break;
            }
        }
    }
}
