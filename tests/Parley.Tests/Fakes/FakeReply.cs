namespace Parley.Tests.Fakes;

/// <summary>A tool call a fake upstream should make; <see cref="ArgumentsJson"/> is sent verbatim (it may be invalid JSON on purpose).</summary>
public sealed record FakeToolCall(string Name, string CallId, string ArgumentsJson);

/// <summary>
/// One scripted answer for <see cref="FakeOpenAIServer"/> or <see cref="FakeAnthropicServer"/>; each fake renders it
/// in its own provider's wire format. Build one with the static helpers and adjust it with <c>with { ... }</c>.
/// </summary>
public sealed record FakeReply
{
    /// <summary>Text sent as one SSE event per chunk when streaming, concatenated otherwise.</summary>
    public IReadOnlyList<string> TextChunks { get; init; } = [];

    public IReadOnlyList<FakeToolCall> ToolCalls { get; init; } = [];

    /// <summary>Anthropic only: a thinking block before the text, one <c>thinking_delta</c> per chunk, then a <c>signature_delta</c> with <see cref="ThinkingSignature"/>.</summary>
    public IReadOnlyList<string> ThinkingChunks { get; init; } = [];

    public string ThinkingSignature { get; init; } = "sig-fake-1";

    public int PromptTokens { get; init; } = 11;

    public int CompletionTokens { get; init; } = 7;

    /// <summary>The provider's own finish/stop reason (<c>length</c>, <c>max_tokens</c>, <c>refusal</c>...); null picks the natural one.</summary>
    public string? FinishReason { get; init; }

    /// <summary>Sent before the first chunk, after the response headers (and the opening event) went out.</summary>
    public TimeSpan FirstChunkDelay { get; init; }

    public TimeSpan ChunkDelay { get; init; }

    /// <summary>When set, the fake answers with this HTTP status and a provider-shaped error body instead of a reply.</summary>
    public int? ErrorStatus { get; init; }

    /// <summary>The provider's error type (<c>rate_limit_error</c>, <c>server_error</c>...); null picks one from the status.</summary>
    public string? ErrorType { get; init; }

    /// <summary>OpenAI's <c>error.code</c> (e.g. <c>context_length_exceeded</c>); Anthropic has none.</summary>
    public string? ErrorCode { get; init; }

    public string ErrorMessage { get; init; } = "Something went wrong.";

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Streaming only: fail after this many content chunks (text chunks, then tool-call fragments).</summary>
    public int? FailAfterChunks { get; init; }

    /// <summary>With <see cref="FailAfterChunks"/>: drop the connection instead of sending the provider's error event.</summary>
    public bool AbortConnection { get; init; }

    /// <summary>Never answer; the request is held until the client gives up or the fake is disposed.</summary>
    public bool Hang { get; init; }

    public static FakeReply Text(params string[] chunks) => new() { TextChunks = chunks };

    public static FakeReply Tools(params FakeToolCall[] calls) => new() { ToolCalls = calls };

    public static FakeReply Error(int status, string message, string? type = null, string? code = null, TimeSpan? retryAfter = null) =>
        new() { ErrorStatus = status, ErrorMessage = message, ErrorType = type, ErrorCode = code, RetryAfter = retryAfter };

    /// <summary>Streams <paramref name="chunks"/>, then fails after <paramref name="afterChunks"/> of them with an overload error.</summary>
    public static FakeReply MidStreamError(int afterChunks, params string[] chunks) =>
        new() { TextChunks = chunks, FailAfterChunks = afterChunks, ErrorMessage = "Overloaded" };

    public static FakeReply Hanging() => new() { Hang = true };

    internal string FullText => string.Concat(TextChunks);
}
