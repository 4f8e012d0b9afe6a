using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Tokens;

namespace Parley.Tests.Tokens;

public sealed class TokenCounterTests
{
    [Theory]
    [InlineData("gpt-4o-mini", "o200k_base")]
    [InlineData("openai/gpt-4.1", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("o3-mini", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("claude-sonnet-4", "estimate")]
    [InlineData("echo", "estimate")]
    [InlineData("omni", "estimate")]
    public void OpenAI_models_get_their_tokenizer_and_the_rest_the_estimate(string model, string encoding) =>
        Assert.Equal(encoding, TokenCounter.For(model).Encoding);

    [Fact]
    public void Real_tokenizers_count_words_not_characters()
    {
        Assert.Equal(2, TokenCounter.For("gpt-4o").Count("hello world"));
        Assert.Equal(2, TokenCounter.For("gpt-4").Count("hello world"));
        Assert.Equal(3, TokenCounter.Estimate.Count("hello world"));
        var words = string.Concat(Enumerable.Repeat(" word", 100));
        Assert.Equal(100, TokenCounter.For("gpt-4o-mini").Count(words));
        Assert.Equal(125, TokenCounter.Estimate.Count(words));
    }

    [Fact]
    public void Context_fitting_uses_the_models_counter()
    {
        // 20 messages of 100 real tokens (125 estimated) each, plus 4 of framing: a 1,000-token budget keeps 9 by the
        // tokenizer and 7 by the estimate.
        var words = string.Concat(Enumerable.Repeat(" word", 100));
        var history = Enumerable.Range(0, 20).Select(i => new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, words)).ToList();

        Assert.Equal(9, ContextWindow.Fit(history, 50, 1_000, TokenCounter.For("gpt-4o-mini")).Count);
        Assert.Equal(7, ContextWindow.Fit(history, 50, 1_000).Count);
    }
}
