using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;
using Parley.Tools;

namespace Parley.Tokens;

/// <summary>
/// Counts the tokens a model sees. OpenAI-family models get their real tokenizer (Microsoft.ML.Tokenizers: o200k_base
/// for gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series; cl100k_base for older gpt-4 and gpt-3.5); every other model
/// gets <see cref="Estimate"/>, four characters a token. Images count <see cref="ImageTokens"/> each, and every message
/// a few tokens of framing.
/// </summary>
public sealed class TokenCounter
{
    /// <summary>Tokens assumed per image part, whatever its size (OpenAI bills a 512px tile at ~170 plus base).</summary>
    public const int ImageTokens = 800;

    private const int MessageFraming = 4;

    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
    private static readonly Lazy<TokenCounter> O200kCounter = new(() => new TokenCounter(O200k.Value, "o200k_base"));
    private static readonly Lazy<TokenCounter> Cl100kCounter = new(() => new TokenCounter(Cl100k.Value, "cl100k_base"));

    /// <summary>Four characters a token: for models whose tokenizer is not available here.</summary>
    public static readonly TokenCounter Estimate = new(null, "estimate");

    private readonly Tokenizer? _tokenizer;

    private TokenCounter(Tokenizer? tokenizer, string encoding)
    {
        _tokenizer = tokenizer;
        Encoding = encoding;
    }

    /// <summary><c>o200k_base</c>, <c>cl100k_base</c> or <c>estimate</c>.</summary>
    public string Encoding { get; }

    /// <summary>The counter for a provider's model name (<c>gpt-4o-mini</c>, <c>claude-sonnet-4</c>...), with or without a <c>provider/</c> prefix.</summary>
    public static TokenCounter For(string? modelName)
    {
        if (string.IsNullOrEmpty(modelName))
            return Estimate;
        var name = modelName[(modelName.LastIndexOf('/') + 1)..].ToLowerInvariant();
        if (name.StartsWith("gpt-4o", StringComparison.Ordinal) || name.StartsWith("chatgpt-4o", StringComparison.Ordinal)
            || name.StartsWith("gpt-4.1", StringComparison.Ordinal) || name.StartsWith("gpt-4.5", StringComparison.Ordinal)
            || name.StartsWith("gpt-5", StringComparison.Ordinal) || name.StartsWith("gpt-oss", StringComparison.Ordinal) || IsOSeries(name))
            return O200kCounter.Value;
        if (name.StartsWith("gpt-4", StringComparison.Ordinal) || name.StartsWith("gpt-3.5", StringComparison.Ordinal) || name.StartsWith("gpt-35", StringComparison.Ordinal))
            return Cl100kCounter.Value;
        return Estimate;
    }

    /// <summary>Tokens of a piece of text.</summary>
    public int Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return 0;
        return _tokenizer is null ? (text.Length + 3) / 4 : _tokenizer.CountTokens(text);
    }

    /// <summary>Tokens of one message: its text, tool calls and results, images, and framing.</summary>
    public int Count(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokens = MessageFraming;
        foreach (var content in message.Contents)
        {
            tokens += content switch
            {
                TextContent text => Count(text.Text),
                DataContent or UriContent => ImageTokens,
                FunctionCallContent call => 8 + Count(call.Name) + Count(ToolContent.ArgumentsJson(call)),
                FunctionResultContent result => 4 + Count(ToolContent.ResultText(result)),
                _ => 0,
            };
        }
        return tokens;
    }

    /// <summary>Tokens of a whole prompt.</summary>
    public int Count(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Sum(Count);
    }

    private static bool IsOSeries(string name) =>
        name.Length >= 2 && name[0] == 'o' && char.IsAsciiDigit(name[1]);
}
