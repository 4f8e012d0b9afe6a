using SummarizingChatReducer = Parley.Compression.SummarizingChatReducer;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Compression;
using Parley.Tests.Tools;

namespace Parley.Tests.Compression;

public sealed class SummarizingChatReducerTests
{
    private static readonly string Long = new('x', 380); // with the tag: 100 estimated tokens, framing included

    private static ChatMessage User(string tag) => new(ChatRole.User, tag + " " + Long);

    private static ChatMessage Assistant(string text) => new(ChatRole.Assistant, text);

    private static ScriptedChatClient Summarizer(string summary = "S: the user talked about x.") =>
        new ScriptedChatClient().ThenText(summary);

    [Fact]
    public async Task A_history_under_the_trigger_is_returned_unchanged_without_calling_the_summariser()
    {
        var summarizer = Summarizer();
        var reducer = new SummarizingChatReducer(summarizer, triggerTokens: 1000, keepTokens: 200, maxSummaryTokens: 100);
        List<ChatMessage> history = [new(ChatRole.System, "be brief"), User("u1"), Assistant("a1"), User("u2")];

        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(history, reduced);
        Assert.Empty(summarizer.Requests);
    }

    [Fact]
    public async Task The_oldest_turns_become_one_summary_after_the_system_prompt_and_the_newest_stay_word_for_word()
    {
        var summarizer = Summarizer("S: u1 and u2 were about x.");
        var reducer = new SummarizingChatReducer(summarizer, triggerTokens: 300, keepTokens: 150, maxSummaryTokens: 100);
        List<ChatMessage> history = [new(ChatRole.System, "be brief"), User("u1"), Assistant("a1"), User("u2"), Assistant("a2"), User("u3")];

        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(3, reduced.Count);
        Assert.Equal("be brief", reduced[0].Text);
        Assert.True(SummarizingChatReducer.IsSummary(reduced[1]));
        Assert.Equal(ChatRole.System, reduced[1].Role);
        Assert.Equal("S: u1 and u2 were about x.", SummarizingChatReducer.SummaryText(reduced[1]));
        Assert.Contains("S: u1 and u2 were about x.", reduced[1].Text, StringComparison.Ordinal);
        Assert.Equal(4, reduced[1].AdditionalProperties![SummarizingChatReducer.SummarizedCountProperty]);
        Assert.Same(history[5], reduced[2]);

        var request = Assert.Single(summarizer.Requests);
        var transcript = request[^1].Text;
        Assert.Contains("user: u1 ", transcript, StringComparison.Ordinal);
        Assert.Contains("assistant: a2", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("u3", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("be brief", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_many_newest_turns_as_fit_the_keep_budget_are_kept()
    {
        var summarizer = Summarizer();
        var reducer = new SummarizingChatReducer(summarizer, triggerTokens: 300, keepTokens: 250, maxSummaryTokens: 100);
        List<ChatMessage> history = [User("u1"), Assistant("a1"), User("u2"), Assistant("a2"), User("u3")];

        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(4, reduced.Count);
        Assert.True(SummarizingChatReducer.IsSummary(reduced[0]));
        Assert.Equal([history[2], history[3], history[4]], reduced.Skip(1));
        Assert.Equal(2, reduced[0].AdditionalProperties![SummarizingChatReducer.SummarizedCountProperty]);
    }

    [Fact]
    public async Task An_earlier_summary_is_folded_into_the_new_one()
    {
        var summarizer = Summarizer("S2");
        var reducer = new SummarizingChatReducer(summarizer, triggerTokens: 200, keepTokens: 120, maxSummaryTokens: 100);
        List<ChatMessage> history = [SummarizingChatReducer.ToMessage("S1: the user is called Ada.", 0), User("u3"), Assistant("a3"), User("u4")];

        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(2, reduced.Count);
        Assert.Equal("S2", SummarizingChatReducer.SummaryText(reduced[0]));
        Assert.Same(history[3], reduced[1]);
        var transcript = Assert.Single(summarizer.Requests)[^1].Text;
        Assert.Contains("S1: the user is called Ada.", transcript, StringComparison.Ordinal);
        Assert.Contains("u3", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_call_and_its_result_are_never_separated()
    {
        var summarizer = Summarizer();
        var reducer = new SummarizingChatReducer(summarizer, triggerTokens: 120, keepTokens: 60, maxSummaryTokens: 100);
        var call = new FunctionCallContent("c1", "clock", new Dictionary<string, object?>());
        List<ChatMessage> history =
        [
            User("u1"), new(ChatRole.Assistant, [call]), new(ChatRole.Tool, [new FunctionResultContent("c1", "12:00")]), Assistant("a1"),
            new(ChatRole.User, "and now?"),
        ];

        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(2, reduced.Count);
        Assert.Same(history[4], reduced[1]);
        var transcript = Assert.Single(summarizer.Requests)[^1].Text;
        Assert.Contains("[called tool clock]", transcript, StringComparison.Ordinal);
        Assert.Contains("[tool result: 12:00]", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_turn_too_big_for_the_budget_has_nothing_to_summarise()
    {
        var summarizer = Summarizer();
        var reducer = new SummarizingChatReducer(summarizer, triggerTokens: 50, keepTokens: 20, maxSummaryTokens: 100);
        List<ChatMessage> history = [new(ChatRole.System, "be brief"), User("u1")];

        var reduced = (await reducer.ReduceAsync(history, CancellationToken.None)).ToList();

        Assert.Equal(history, reduced);
        Assert.Empty(summarizer.Requests);
    }

    [Fact]
    public async Task A_failing_or_empty_summariser_fails_the_reduction()
    {
        List<ChatMessage> history = [User("u1"), Assistant("a1"), User("u2")];
        var failing = new ScriptedChatClient().Then((_, _, _) => throw new HttpRequestException("down"));
        var empty = Summarizer("   ");

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            new SummarizingChatReducer(failing, 100, 50, 100).ReduceAsync(history, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new SummarizingChatReducer(empty, 100, 50, 100).ReduceAsync(history, CancellationToken.None));
    }

    [Fact]
    public void The_estimate_used_by_the_tests_matches_the_context_window()
    {
        Assert.Equal(100, ContextWindow.EstimateTokens(User("u1")));
    }
}
