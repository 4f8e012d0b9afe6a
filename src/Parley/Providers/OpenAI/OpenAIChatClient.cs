using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

#pragma warning disable SCME0001 // the SDK's JsonPatch (unknown response fields) is marked experimental

namespace Parley.Providers.OpenAI;

/// <summary>
/// An <see cref="IChatClient"/> over the OpenAI SDK's chat completions client, used when a request is translated (the
/// relay path forwards OpenAI-compatible chat completions without it). Kept beside Microsoft.Extensions.AI.OpenAI's
/// AsIChatClient not for speed (bench micro on a quiet 2-core machine, the same 50-token stream: 134 µs and 149 KB
/// here, 131 µs and 132 KB there) but for what that adapter does not carry: the upstream's <c>reasoning_content</c>
/// (read through the SDK's JsonPatch) and tool arguments that are not valid JSON, kept verbatim.
/// </summary>
internal sealed class OpenAIChatClient : IChatClient
{
    /// <summary>Where a tool call's arguments are kept verbatim when they are not valid JSON.</summary>
    public const string RawArgumentsKey = "raw_arguments";

    private readonly string _providerName;
    private readonly global::OpenAI.OpenAIClient _client;
    private readonly OpenAIChat.ChatClient _defaultChatClient;
    private readonly ConcurrentDictionary<string, OpenAIChat.ChatClient> _chatClients = new(StringComparer.Ordinal);
    private readonly ChatClientMetadata _metadata;

    public OpenAIChatClient(string providerName, global::OpenAI.OpenAIClient client, Uri endpoint, string model)
    {
        _providerName = providerName;
        _client = client;
        _defaultChatClient = client.GetChatClient(model);
        _chatClients[model] = _defaultChatClient;
        _metadata = new ChatClientMetadata("openai", endpoint, model);
    }

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (chatClient, completionOptions) = ToCompletionOptions(options);
        try
        {
            var result = await chatClient.CompleteChatAsync(ToOpenAIMessages(messages), completionOptions, cancellationToken);
            return FromCompletion(result.Value);
        }
        catch (Exception ex) when (OpenAIErrors.Map(_providerName, ex, replyStarted: false, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (chatClient, completionOptions) = ToCompletionOptions(options);
        var updates = chatClient.CompleteChatStreamingAsync(ToOpenAIMessages(messages), completionOptions, cancellationToken);
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        var toolCalls = new StreamingToolCalls();
        var started = false;
        ChatResponseUpdate? last = null;
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

            if (enumerator.Current.CompletionId is null && OpenAIErrors.FromStreamError(_providerName, enumerator.Current) is { } streamError)
                throw streamError;
            started = true;
            var update = FromStreamingUpdate(enumerator.Current, toolCalls);
            last = update;
            if (update.Contents.Count > 0 || update.FinishReason is not null)
                yield return update;
        }

        // A stream that ended without a finish reason still owes its tool calls.
        if (!toolCalls.IsEmpty && last is not null)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, toolCalls.Drain())
            {
                ResponseId = last.ResponseId, MessageId = last.MessageId, ModelId = last.ModelId, CreatedAt = last.CreatedAt,
                FinishReason = ChatFinishReason.ToolCalls,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
            return null;
        if (serviceType == typeof(ChatClientMetadata))
            return _metadata;
        if (serviceType.IsInstanceOfType(_defaultChatClient))
            return _defaultChatClient;
        if (serviceType.IsInstanceOfType(_client))
            return _client;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    /// <summary>Microsoft.Extensions.AI's <c>strictJsonSchema</c> convention, on a tool or on the options (for the response format).</summary>
    private static bool? Strict(IReadOnlyDictionary<string, object?>? properties) =>
        properties?.TryGetValue("strictJsonSchema", out var value) == true && value is bool strict ? strict : null;

    /// <summary>
    /// The <c>reasoning_content</c> OpenAI-compatible reasoning servers (DeepSeek, vLLM, llama.cpp) send beside the content;
    /// the SDK keeps such unknown fields in the model's patch.
    /// </summary>
    private static string? Reasoning(System.ClientModel.Primitives.JsonPatch patch, ReadOnlySpan<byte> path) =>
        patch.TryGetValue(path, out string? value) && !string.IsNullOrEmpty(value) ? value : null;

    private static OpenAIChat.ChatImageDetailLevel? Detail(AIContent image) =>
        image.AdditionalProperties?.TryGetValue("detail", out var value) == true && value is string { Length: > 0 } detail
            ? new OpenAIChat.ChatImageDetailLevel(detail)
            : default(OpenAIChat.ChatImageDetailLevel?);

    private (OpenAIChat.ChatClient Client, OpenAIChat.ChatCompletionOptions Options) ToCompletionOptions(ChatOptions? options)
    {
        var result = new OpenAIChat.ChatCompletionOptions();
        if (options is null)
            return (_defaultChatClient, result);

        var client = options.ModelId is { Length: > 0 } modelId
            ? _chatClients.GetOrAdd(modelId, id => _client.GetChatClient(id))
            : _defaultChatClient;
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
        foreach (var stop in options.StopSequences ?? [])
            result.StopSequences.Add(stop);
#pragma warning disable OPENAI001 // the SDK marks reasoning_effort as evaluation-only; the wire field is stable
        result.ReasoningEffortLevel = ReasoningEffort(options.Reasoning);
#pragma warning restore OPENAI001

        foreach (var function in (options.Tools ?? []).OfType<AIFunctionDeclaration>())
        {
            result.Tools.Add(OpenAIChat.ChatTool.CreateFunctionTool(
                function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText()), Strict(function.AdditionalProperties)));
        }

        if (result.Tools.Count > 0)
        {
            result.AllowParallelToolCalls = options.AllowMultipleToolCalls;
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => OpenAIChat.ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => OpenAIChat.ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => OpenAIChat.ChatToolChoice.CreateRequiredChoice(),
                AutoChatToolMode => OpenAIChat.ChatToolChoice.CreateAutoChoice(),
                _ => null,
            };
        }

        result.ResponseFormat = options.ResponseFormat switch
        {
            ChatResponseFormatJson { Schema: { } schema } json => OpenAIChat.ChatResponseFormat.CreateJsonSchemaFormat(
                json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription, Strict(options.AdditionalProperties)),
            ChatResponseFormatJson => OpenAIChat.ChatResponseFormat.CreateJsonObjectFormat(),
            ChatResponseFormatText => OpenAIChat.ChatResponseFormat.CreateTextFormat(),
            _ => null,
        };
        return (client, result);
    }

    /// <summary>
    /// <c>reasoning_effort</c> for a requested effort (Responses' <c>reasoning.effort</c>, Messages' <c>thinking</c>); nothing
    /// for none or no request, so a model that does not reason is not sent a field it may refuse.
    /// </summary>
#pragma warning disable OPENAI001 // as above
    private static OpenAIChat.ChatReasoningEffortLevel? ReasoningEffort(ReasoningOptions? reasoning) => reasoning?.Effort switch
    {
        Microsoft.Extensions.AI.ReasoningEffort.Low => OpenAIChat.ChatReasoningEffortLevel.Low,
        Microsoft.Extensions.AI.ReasoningEffort.Medium => OpenAIChat.ChatReasoningEffortLevel.Medium,
        Microsoft.Extensions.AI.ReasoningEffort.High => OpenAIChat.ChatReasoningEffortLevel.High,
        Microsoft.Extensions.AI.ReasoningEffort.ExtraHigh => new OpenAIChat.ChatReasoningEffortLevel("xhigh"),
        _ => default(OpenAIChat.ChatReasoningEffortLevel?), // not null: a bare null would go through the type's conversion from string
    };
#pragma warning restore OPENAI001

    private static List<OpenAIChat.ChatMessage> ToOpenAIMessages(IEnumerable<ChatMessage> messages)
    {
        var result = new List<OpenAIChat.ChatMessage>();
        foreach (var message in messages)
        {
            if (message.RawRepresentation is OpenAIChat.ChatMessage raw)
            {
                result.Add(raw);
                continue;
            }

            // Tool results answer the assistant's tool calls, so they go first, right after that assistant message.
            foreach (var functionResult in message.Contents.OfType<FunctionResultContent>())
                result.Add(new OpenAIChat.ToolChatMessage(functionResult.CallId, ToToolResultText(functionResult)));

            if (message.Role == ChatRole.System)
                result.Add(new OpenAIChat.SystemChatMessage(message.Text));
            else if (message.Role == ChatRole.Assistant)
                result.Add(ToAssistantMessage(message));
            else if (message.Role == ChatRole.User && message.Contents.All(c => c is TextContent))
                result.Add(new OpenAIChat.UserChatMessage(message.Text)); // the plain-string form every compatible server understands
            else if (message.Role == ChatRole.User && message.Contents.Any(c => c is not FunctionResultContent))
                result.Add(new OpenAIChat.UserChatMessage(ToUserParts(message)));
        }

        return result;
    }

    private static List<OpenAIChat.ChatMessageContentPart> ToUserParts(ChatMessage message)
    {
        var parts = new List<OpenAIChat.ChatMessageContentPart>();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    parts.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text.Text));
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(OpenAIChat.ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(data.Data), data.MediaType, Detail(data)));
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(OpenAIChat.ChatMessageContentPart.CreateImagePart(uri.Uri, Detail(uri)));
                    break;
            }
        }

        return parts;
    }

    private static OpenAIChat.AssistantChatMessage ToAssistantMessage(ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>().Select(call => OpenAIChat.ChatToolCall.CreateFunctionToolCall(
            call.CallId, call.Name, BinaryData.FromString(ToArgumentsJson(call)))).ToList();
        var text = message.Text;
        if (calls.Count == 0)
            return new OpenAIChat.AssistantChatMessage(text);

        var assistant = new OpenAIChat.AssistantChatMessage(calls);
        if (text.Length > 0)
            assistant.Content.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text));
        return assistant;
    }

    private static string ToArgumentsJson(FunctionCallContent call) =>
        call.Arguments is null && call.AdditionalProperties?.TryGetValue(RawArgumentsKey, out var raw) == true && raw is string rawText
            ? rawText
            : JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);

    private static string ToToolResultText(FunctionResultContent result) => Tools.ToolContent.ResultText(result);

    private static ChatResponse FromCompletion(OpenAIChat.ChatCompletion completion)
    {
        var contents = new List<AIContent>();
        if (Reasoning(completion.Patch, "$.choices[0].message.reasoning_content"u8) is { } reasoning)
            contents.Add(new TextReasoningContent(reasoning));
        foreach (var part in completion.Content)
        {
            if (part.Kind == OpenAIChat.ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                contents.Add(new TextContent(part.Text));
        }

        if (!string.IsNullOrEmpty(completion.Refusal))
            contents.Add(new TextContent(completion.Refusal));
        foreach (var call in completion.ToolCalls)
            contents.Add(FromToolCall(call.Id, call.FunctionName, call.FunctionArguments?.ToString() ?? ""));

        var message = new ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, RawRepresentation = completion };
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = FromFinishReason(completion.FinishReason),
            Usage = completion.Usage is null ? null : FromUsage(completion.Usage),
            RawRepresentation = completion,
        };
    }

    private static ChatResponseUpdate FromStreamingUpdate(OpenAIChat.StreamingChatCompletionUpdate update, StreamingToolCalls toolCalls)
    {
        var contents = new List<AIContent>();
        if (Reasoning(update.Patch, "$.choices[0].delta.reasoning_content"u8) is { } reasoning)
            contents.Add(new TextReasoningContent(reasoning));
        foreach (var part in update.ContentUpdate)
        {
            if (!string.IsNullOrEmpty(part.Text))
                contents.Add(new TextContent(part.Text) { RawRepresentation = part });
        }

        if (!string.IsNullOrEmpty(update.RefusalUpdate))
            contents.Add(new TextContent(update.RefusalUpdate));

        foreach (var delta in update.ToolCallUpdates)
            toolCalls.Add(delta);

        var finishReason = update.FinishReason is { } reason ? FromFinishReason(reason) : (ChatFinishReason?)null;
        if (finishReason is not null)
            contents.AddRange(toolCalls.Drain());
        if (update.Usage is not null)
            contents.Add(new UsageContent(FromUsage(update.Usage)) { RawRepresentation = update.Usage });

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = update.CompletionId,
            MessageId = update.CompletionId,
            ModelId = update.Model,
            CreatedAt = update.CreatedAt,
            FinishReason = finishReason,
            RawRepresentation = update,
        };
    }

    /// <summary>Parses the arguments; invalid JSON still yields the call (raw text kept) so the tool loop can answer with an error.</summary>
    internal static FunctionCallContent FromToolCall(string? callId, string? name, string arguments)
    {
        try
        {
            var parsed = string.IsNullOrWhiteSpace(arguments)
                ? new Dictionary<string, object?>()
                : JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments, AIJsonUtilities.DefaultOptions)
                  ?? throw new JsonException("The arguments are null.");
            return new FunctionCallContent(callId ?? "", name ?? "", parsed);
        }
        catch (JsonException ex)
        {
            return new FunctionCallContent(callId ?? "", name ?? "")
            {
                Exception = new InvalidDataException($"The arguments of tool call '{name}' are not a JSON object: {ex.Message}", ex),
                AdditionalProperties = new() { [RawArgumentsKey] = arguments },
            };
        }
    }

    private static ChatFinishReason FromFinishReason(OpenAIChat.ChatFinishReason reason) => reason switch
    {
        OpenAIChat.ChatFinishReason.Length => ChatFinishReason.Length,
        OpenAIChat.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        OpenAIChat.ChatFinishReason.ToolCalls or OpenAIChat.ChatFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
        _ => ChatFinishReason.Stop,
    };

    private static UsageDetails FromUsage(OpenAIChat.ChatTokenUsage usage) => new()
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
        CachedInputTokenCount = usage.InputTokenDetails?.CachedTokenCount,
        ReasoningTokenCount = usage.OutputTokenDetails?.ReasoningTokenCount,
    };
}
