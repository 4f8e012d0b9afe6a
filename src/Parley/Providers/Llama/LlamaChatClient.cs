using System.Runtime.CompilerServices;
using LLama;
using LLama.Native;
using LLama.Sampling;
using Microsoft.Extensions.AI;
using Parley.Errors;

namespace Parley.Providers.Llama;

/// <summary>
/// A GGUF model run in this process by llama.cpp (LLamaSharp), as an <see cref="IChatClient"/>: the prompt is the
/// model's chat template applied to the messages, the reply streams token by token through the model's own detokenizer,
/// and usage is counted with the model's tokenizer. Tools are offered in the template family's syntax and calls read
/// back from the reply; a required call is enforced with a grammar, so the reply is a well-formed call.
/// </summary>
internal sealed class LlamaChatClient(LlamaModel model, string modelId) : IChatClient
{
    private readonly ChatClientMetadata _metadata = new("llama", null, modelId);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var lease = await model.AcquireAsync(cancellationToken);
        var context = lease.Context;
        var format = lease.Model.Format;
        var vocab = lease.Model.Weights.Vocab;
        context.NativeHandle.MemoryClear();

        var tools = OfferedTools(options, format);
        var prompt = context.Tokenize(format.Format(messages, tools), addBos: vocab.ShouldAddBOS, special: true);
        var window = (int)context.ContextSize;
        if (prompt.Length >= window)
        {
            throw new ProviderException(ErrorCodes.ContextTooLong, 400,
                $"The prompt is {prompt.Length} tokens and {model.Provider}/{modelId} reads at most {window - 1}. Send a shorter conversation.");
        }
        var room = window - prompt.Length;
        var maxTokens = options?.MaxOutputTokens is > 0 and var cap ? Math.Min(cap, room) : room;

        var batch = new LLamaBatch();
        var (decoded, _, position) = await context.DecodeAsync([.. prompt], LLamaSeqId.Zero, batch, 0, cancellationToken);
        if (decoded != DecodeResult.Ok)
            throw new ProviderException(ErrorCodes.ProviderUnavailable, 503, $"The local model could not read the prompt ({decoded}).");

        using var sampler = Sampler(options, tools is not null && options?.ToolMode is RequiredChatToolMode ? format.ToolSyntax!.RequiredCallGrammar(tools) : null);
        var calls = tools is null ? null : new ToolCallReader(format.ToolSyntax!);
        var detokenizer = new StreamingTokenDecoder(context);
        var stops = new StopSequenceFilter([.. options?.StopSequences ?? [], .. format.ImpliedStops]);
        var responseId = $"llama-{Guid.NewGuid():N}";
        var generated = 0;
        var finish = ChatFinishReason.Length;
        while (generated < maxTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (token.IsEndOfGeneration(vocab))
            {
                finish = ChatFinishReason.Stop;
                break;
            }
            generated++;
            detokenizer.Add(token);
            var visible = stops.Push(detokenizer.Read());
            if (calls is not null)
                visible = calls.Push(visible);
            if (visible.Length > 0)
                yield return Text(visible, responseId, modelId);
            if (stops.Stopped)
            {
                finish = ChatFinishReason.Stop;
                break;
            }
            batch.Clear();
            batch.Add(token, position++, LLamaSeqId.Zero, logits: true);
            if (await context.DecodeAsync(batch, cancellationToken) is not DecodeResult.Ok and var failed)
                throw new ProviderException(ErrorCodes.ProviderUnavailable, 503, $"The local model stopped while writing ({failed}).");
        }
        var rest = stops.Flush();
        IReadOnlyList<FunctionCallContent> called = [];
        if (calls is not null)
        {
            rest = calls.Push(rest);
            var (text, found) = calls.Finish();
            rest += text;
            called = found;
        }
        if (rest.Length > 0)
            yield return Text(rest, responseId, modelId);
        if (called.Count > 0)
        {
            finish = ChatFinishReason.ToolCalls;
            yield return new ChatResponseUpdate(ChatRole.Assistant, [.. called]) { ResponseId = responseId, ModelId = modelId };
        }

        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ResponseId = responseId,
            ModelId = modelId,
            FinishReason = finish,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = prompt.Length, OutputTokenCount = generated, TotalTokenCount = prompt.Length + generated })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    /// <summary>
    /// The tools the prompt describes: none when the request has none or turned them off, or when the template has no
    /// tool syntax and a call is only allowed (the model answers in text, as a model may under <c>auto</c>); a required
    /// call the template cannot express is refused.
    /// </summary>
    private List<AIFunctionDeclaration>? OfferedTools(ChatOptions? options, LlamaPromptFormat format)
    {
        if (options?.Tools is not { Count: > 0 } offered || options.ToolMode is NoneChatToolMode)
            return null;
        var tools = offered.OfType<AIFunctionDeclaration>().ToList();
        if (options.ToolMode is RequiredChatToolMode { RequiredFunctionName: { } only })
            tools = tools.Where(t => t.Name == only).ToList();
        if (tools.Count == 0)
            return null;
        if (format.ToolSyntax is null)
        {
            if (options.ToolMode is RequiredChatToolMode)
            {
                throw new ProviderException(ErrorCodes.InvalidRequest, 400,
                    $"tool_choice requires a tool call, but {model.Provider}/{modelId} uses the '{format.Name}' prompt format, which has no tool calls. "
                    + "Set the provider's Llama:ChatTemplate to a template with tool calls (chatml, llama3) or let the model answer in text.");
            }
            return null;
        }
        return tools;
    }

    private static DefaultSamplingPipeline Sampler(ChatOptions? options, string? grammar)
    {
        var temperature = options?.Temperature ?? 0.8f;
        return new DefaultSamplingPipeline
        {
            Grammar = grammar is null ? null : new Grammar(grammar, "root"),
            Temperature = temperature,
            TopP = options?.TopP ?? 0.95f,
            TopK = options?.TopK ?? 40,
            MinP = 0.05f,
            Seed = options?.Seed is { } seed ? unchecked((uint)seed) : (uint)Random.Shared.Next(),
        };
    }

    private static ChatResponseUpdate Text(string text, string responseId, string modelId) =>
        new(ChatRole.Assistant, text) { ResponseId = responseId, ModelId = modelId };
}
