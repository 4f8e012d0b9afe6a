using Microsoft.Extensions.AI;
using Parley.Errors;
using Parley.Providers.Mock;

namespace Parley.Tests.Providers.Mock;

public sealed class MockChatClientTests
{
    private static MockChatClient Client(string model = "echo") =>
        new(model, new MockOptions { FirstTokenDelayMs = 0, TokensPerSecond = 0 }, TimeSpan.FromMilliseconds(200));

    [Theory]
    [InlineData("hello world")]
    [InlineData("  leading and trailing  ")]
    [InlineData("line one\n\nline two\n")]
    public async Task Streamed_tokens_concatenate_to_the_echo(string text)
    {
        var updates = await Client().GetStreamingResponseAsync([new ChatMessage(ChatRole.User, text)]).ToListAsync();
        Assert.Equal(text.Trim(), string.Concat(updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text)));
        Assert.Contains(updates, u => u.Contents.OfType<UsageContent>().Any());
    }

    [Fact]
    public async Task Max_output_tokens_cuts_the_reply_with_finish_reason_length()
    {
        var response = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "one two three four")], new ChatOptions { MaxOutputTokens = 2 });
        Assert.Equal("one two", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(2, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Directives_script_errors_timeouts_and_tool_calls()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "[[mock:error 401]]")]));
        Assert.Equal(ErrorCodes.ProviderAuth, error.Code);

        var timeout = await Assert.ThrowsAsync<ProviderException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "[[mock:timeout]]")]));
        Assert.Equal(ErrorCodes.ProviderTimeout, timeout.Code);

        var call = await Client().GetResponseAsync([new ChatMessage(ChatRole.User, "[[mock:tool search {\"q\":\"cats\"}]]")]);
        var function = call.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        Assert.Equal("search", function.Name);
        Assert.Equal("cats", function.Arguments!["q"]?.ToString());
    }

    [Fact]
    public async Task The_markdown_model_and_cancellation()
    {
        Assert.Contains("| model |", (await Client("markdown").GetResponseAsync([new ChatMessage(ChatRole.User, "x")])).Text);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client().GetResponseAsync([new ChatMessage(ChatRole.User, "x")], cancellationToken: cts.Token));
    }
}
