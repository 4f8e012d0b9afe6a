using Microsoft.Extensions.AI;
using Parley.Conversations;
using Parley.Errors;
using Parley.Streaming;

namespace Parley.Tests.Conversations;

public sealed class EngineHelpersTests
{
    private static StoredMessage Message(string id, string? parent, string role = MessageRoles.User) =>
        new() { Id = id, ConversationId = "c", ParentId = parent, Role = role, Parts = [new TextPart(id)] };

    [Fact]
    public void Path_walks_from_the_root_to_the_leaf_through_one_branch()
    {
        List<StoredMessage> tree = [Message("a", null), Message("b", "a"), Message("b2", "a"), Message("c", "b2")];
        Assert.Equal(["a", "b2", "c"], MessageTree.PathTo(tree, "c").Select(m => m.Id));
        Assert.Equal(["a", "b"], MessageTree.PathTo(tree, "b").Select(m => m.Id));
        Assert.Empty(MessageTree.PathTo(tree, null));
        Assert.Equal("c", MessageTree.NewestLeaf(tree));
    }

    [Fact]
    public void Path_stops_on_a_cycle_instead_of_looping()
    {
        List<StoredMessage> tree = [Message("a", "b"), Message("b", "a")];
        Assert.Equal(2, MessageTree.PathTo(tree, "a").Count);
    }

    [Theory]
    [InlineData("  What is   the capital\nof France? ", "What is the capital of France?")]
    [InlineData("", "Image chat")]
    public void Titles_come_from_the_first_message(string text, string expected) => Assert.Equal(expected, Titles.FromFirstMessage(text));

    [Fact]
    public void Long_titles_are_cut_on_a_word_boundary()
    {
        var title = Titles.FromFirstMessage(string.Join(' ', Enumerable.Repeat("word", 40)));
        Assert.True(title.Length <= Titles.MaxLength);
        Assert.EndsWith("word…", title);
    }

    [Fact]
    public void A_stored_tool_turn_unfolds_into_assistant_tool_assistant()
    {
        var stored = new StoredMessage
        {
            Id = "m", ConversationId = "c", Role = MessageRoles.Assistant,
            Parts = [new TextPart("Let me check."), new ToolCallPart("c1", "search", "{\"q\":\"x\"}"), new ToolResultPart("c1", "search", "found", false), new TextPart("It is x.")],
        };

        var messages = ContextBuilder.Unfold(stored).ToList();

        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], messages.Select(m => m.Role));
        var call = messages[0].Contents.OfType<FunctionCallContent>().Single();
        Assert.Equal("x", call.Arguments!["q"]?.ToString());
        Assert.Equal("Let me check.", messages[0].Text);
        Assert.Equal("c1", messages[1].Contents.OfType<FunctionResultContent>().Single().CallId);
        Assert.Equal("It is x.", messages[2].Text);
    }

    [Fact]
    public void The_accumulator_keeps_order_usage_and_failure()
    {
        var reply = new ReplyAccumulator();
        reply.Add(new TextDelta("Hel"));
        reply.Add(new TextDelta("lo"));
        reply.Add(new ToolCallStarted("c1", "t", "{}", "", ""));
        reply.Add(new ToolCallCompleted("c1", "t", "ok", false));
        reply.Add(new UsageReported(Parley.Usage.UsageTokens.Of(3, 2)));
        reply.Add(new UsageReported(Parley.Usage.UsageTokens.Of(4, 1)));
        Assert.Equal(MessageStatus.Incomplete, reply.Status);
        reply.Add(new ReplyFailed(ErrorCodes.ProviderTimeout, "slow", 504));

        Assert.Equal([typeof(TextPart), typeof(ToolCallPart), typeof(ToolResultPart)], reply.Parts.Select(p => p.GetType()));
        Assert.Equal(new TokenUsage(7, 3, 10), reply.Usage);
        Assert.Equal(MessageStatus.Error, reply.Status);
        Assert.Equal(ErrorCodes.ProviderTimeout, reply.Error?.Code);
    }

    [Fact]
    public void Images_are_checked_by_their_bytes()
    {
        var png = Support.TestImages.PngDataUrl;
        Assert.Equal("image/png", ImageInput.Decode(png, 1_000_000).MediaType);
        Assert.Equal("image/png", ImageInput.Decode(png["data:image/png;base64,".Length..], 1_000_000).MediaType);
        Assert.Equal(ErrorCodes.InvalidImage, Assert.Throws<ParleyException>(() => ImageInput.Decode(png.Replace("image/png", "image/jpeg"), 1_000_000)).Code);
        Assert.Equal(413, Assert.Throws<ParleyException>(() => ImageInput.Decode(png, 10)).Status);
        Assert.Throws<ParleyException>(() => ImageInput.Decode("data:text/plain;base64,aGVsbG8=", 1_000_000));
        Assert.Throws<ParleyException>(() => ImageInput.Decode("data:image/png,notbase64", 1_000_000));
    }

    [Theory]
    [InlineData("https://images.example/cat.png")]
    [InlineData(" HTTP://images.example/cat.png")]
    public void Image_urls_are_refused_with_a_sentence_that_says_what_to_send(string url)
    {
        var refused = Assert.Throws<ParleyException>(() => ImageInput.Decode(url, 1_000_000));
        Assert.Equal(ErrorCodes.InvalidImage, refused.Code);
        Assert.Contains("data URL", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, ErrorCodes.ProviderAuth, 502)]
    [InlineData(429, ErrorCodes.ProviderRateLimited, 429)]
    [InlineData(500, ErrorCodes.ProviderUnavailable, 502)]
    [InlineData(503, ErrorCodes.ProviderUnavailable, 502)]
    [InlineData(504, ErrorCodes.ProviderTimeout, 504)]
    public void Provider_statuses_map_to_stable_codes(int upstream, string code, int status)
    {
        var error = ProviderErrors.FromStatus("openai", upstream, "details");
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.Status);
        Assert.DoesNotContain("Exception", error.Message);
    }

    [Fact]
    public void Context_overflow_and_content_filter_are_recognised_from_the_message()
    {
        Assert.Equal(ErrorCodes.ContextTooLong, ProviderErrors.FromStatus("openai", 400, "This model's maximum context length is 8192 tokens").Code);
        Assert.Equal(ErrorCodes.ContentFiltered, ProviderErrors.FromStatus("openai", 400, "blocked by content_filter").Code);
    }
}
