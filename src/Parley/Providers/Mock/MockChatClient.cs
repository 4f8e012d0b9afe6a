using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Parley.Errors;

namespace Parley.Providers.Mock;

/// <summary>
/// The offline provider: deterministic replies (echo or a markdown sample), streamed at a
/// configurable pace, with usage, and scriptable failures and tool calls (see <see cref="MockScript"/>).
/// </summary>
internal sealed partial class MockChatClient(string model, MockOptions mockOptions, TimeSpan timeout) : IChatClient
{
    private static readonly ChatClientMetadata Metadata = new("mock", null, null);

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var history = messages as IList<ChatMessage> ?? [.. messages];
        var lastUser = history.LastOrDefault(m => m.Role == ChatRole.User);
        var script = MockScript.Parse(lastUser?.Text ?? "");
        var responseId = $"mock-{Guid.NewGuid():N}";
        var modelId = options?.ModelId ?? model;

        await Task.Delay(script.DelayMs ?? mockOptions.FirstTokenDelayMs, cancellationToken);
        if (script.Hang)
        {
            await Task.Delay(timeout, cancellationToken);
            throw ProviderErrors.Timeout("mock");
        }
        if (script.ErrorStatus is { } status)
            throw ProviderErrors.FromStatus("mock", status, $"Scripted mock failure with HTTP {status}.");

        var promptTokens = history.Sum(m => EstimateTokens(m.Text) + 4);
        if (history.LastOrDefault() is { Role.Value: "tool" } toolMessage)
        {
            var results = toolMessage.Contents.OfType<FunctionResultContent>()
                .Select(r => $"The tool returned: {Tools.ToolContent.ResultText(r)}");
            await foreach (var update in StreamText(string.Join("\n", results), script, responseId, modelId, promptTokens, options, cancellationToken))
                yield return update;
            yield break;
        }

        if (script.ToolName is { } tool)
        {
            var arguments = ParseArguments(script.ToolArguments);
            var call = new FunctionCallContent($"call_{Guid.NewGuid():N}"[..24], tool, arguments);
            yield return Update(responseId, modelId, call);
            yield return Finish(responseId, modelId, ChatFinishReason.ToolCalls, promptTokens, 1);
            yield break;
        }

        await foreach (var update in StreamText(ReplyText(model, script, lastUser), script, responseId, modelId, promptTokens, options, cancellationToken))
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamText(
        string text, MockScript script, string responseId, string modelId, int promptTokens, ChatOptions? chatOptions,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tokens = Tokens().Matches(text).Select(m => m.Value).ToList();
        var limit = chatOptions?.MaxOutputTokens ?? int.MaxValue;
        var pace = script.TokensPerSecond ?? mockOptions.TokensPerSecond;
        var interval = pace > 0 ? TimeSpan.FromSeconds(1 / pace) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var sent = 0;
        foreach (var token in tokens)
        {
            if (sent == limit)
                break;
            if (script.FailAfterTokens == sent)
                throw ProviderErrors.FromStatus("mock", 500, "Scripted mock failure in the middle of the reply.");
            if (script.StallAfterTokens == sent)
            {
                await Task.Delay(timeout, cancellationToken);
                throw ProviderErrors.Timeout("mock");
            }
            if (interval > TimeSpan.Zero && interval * sent > clock.Elapsed)
                await Task.Delay(interval * sent - clock.Elapsed, cancellationToken);
            yield return Update(responseId, modelId, new TextContent(token));
            sent++;
        }
        var reason = sent < tokens.Count ? ChatFinishReason.Length : ChatFinishReason.Stop;
        yield return Finish(responseId, modelId, reason, promptTokens, sent);
    }

    private static string ReplyText(string model, MockScript script, ChatMessage? lastUser)
    {
        if (script.Html)
            return MockReplies.Html;
        if (script.Markdown || model == MockModels.Markdown)
            return MockReplies.Markdown;
        var images = lastUser?.Contents.Count(c => c is DataContent or UriContent) ?? 0;
        var text = script.Text.Length > 0 ? script.Text : "(empty message)";
        return images == 0 ? text : $"{text} ({images} image{(images == 1 ? "" : "s")} received)";
    }

    private static ChatResponseUpdate Update(string responseId, string modelId, AIContent content) =>
        new(ChatRole.Assistant, [content]) { ResponseId = responseId, MessageId = responseId, ModelId = modelId, CreatedAt = DateTimeOffset.UtcNow };

    private static ChatResponseUpdate Finish(string responseId, string modelId, ChatFinishReason reason, int promptTokens, int completionTokens) =>
        new(ChatRole.Assistant, [new UsageContent(new UsageDetails
        {
            InputTokenCount = promptTokens,
            OutputTokenCount = completionTokens,
            TotalTokenCount = promptTokens + completionTokens,
        })])
        { ResponseId = responseId, MessageId = responseId, ModelId = modelId, FinishReason = reason };

    private static Dictionary<string, object?>? ParseArguments(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, object?>>(json);
        }
        catch (JsonException)
        {
            return new Dictionary<string, object?> { ["raw"] = json };
        }
    }

    internal static int EstimateTokens(string text) => Math.Max(1, (text.Length + 3) / 4);

    [GeneratedRegex(@"\s*\S+\s*?(?=\s|$)|\s+$")]
    private static partial Regex Tokens();
}
