using Microsoft.Extensions.AI;
using Parley.Chat;

namespace Parley.Tests.Chat;

public sealed class ContextWindowTests
{
    private static ChatMessage User(string text) => new(ChatRole.User, text);

    private static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    [Fact]
    public void Keeps_the_newest_messages_up_to_the_limit_and_always_the_system_prompt()
    {
        List<ChatMessage> history = [new(ChatRole.System, "rules"), User("1"), Assistant("1"), User("2"), Assistant("2"), User("3")];

        var fitted = ContextWindow.Fit(history, maxMessages: 3, tokenBudget: 10_000);

        Assert.Equal(["rules", "2", "2", "3"], fitted.Select(m => m.Text));
        Assert.Equal(ChatRole.System, fitted[0].Role);
    }

    [Fact]
    public void Drops_oldest_messages_to_fit_the_token_budget()
    {
        List<ChatMessage> history = [User(new string('a', 4000)), Assistant("short"), User("latest")];

        var fitted = ContextWindow.Fit(history, maxMessages: 50, tokenBudget: 200);

        Assert.Equal(["short", "latest"], fitted.Select(m => m.Text));
    }

    [Fact]
    public void Never_drops_the_newest_message_even_when_it_alone_is_over_budget()
    {
        var fitted = ContextWindow.Fit([User("old"), User(new string('b', 10_000))], maxMessages: 50, tokenBudget: 100);
        Assert.Single(fitted);
    }

    [Fact]
    public void Keeps_a_tool_call_with_its_results_or_drops_both()
    {
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "search", new Dictionary<string, object?> { ["q"] = "x" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "found")]);
        List<ChatMessage> history = [User("q"), call, result, Assistant("answer"), User("next")];

        var three = ContextWindow.Fit(history, maxMessages: 3, tokenBudget: 10_000);
        Assert.Equal(["answer", "next"], three.Select(m => m.Text));

        var four = ContextWindow.Fit(history, maxMessages: 4, tokenBudget: 10_000);
        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.User], four.Select(m => m.Role));
    }

    [Fact]
    public void Images_count_toward_the_budget()
    {
        var withImage = new ChatMessage(ChatRole.User, [new TextContent("hi"), new DataContent(new byte[] { 1 }, "image/png")]);
        Assert.True(ContextWindow.EstimateTokens(withImage) >= ContextWindow.ImageTokens);
    }
}
