using Parley.Compression;
using Parley.Conversations;

namespace Parley.Tests.Compression;

public sealed class ContextCompressorTests
{
    private static StoredMessage Message(string id, string role, params MessagePart[] parts) =>
        new() { Id = id, ConversationId = "c_1", Role = role, Parts = parts };

    [Fact]
    public void The_newest_summary_on_the_branch_is_used_and_summaries_of_other_branches_are_not()
    {
        var first = new ContextSummaryPart("first", "m2", 2, "mock/echo");
        var second = new ContextSummaryPart("second", "m4", 4, "mock/echo");
        var elsewhere = new ContextSummaryPart("other branch", "x9", 9, "mock/echo");
        List<StoredMessage> path =
        [
            Message("m1", MessageRoles.User), Message("m2", MessageRoles.Assistant),
            Message("m3", MessageRoles.User), Message("m4", MessageRoles.Assistant, first, new TextPart("a")),
            Message("m5", MessageRoles.User), Message("m6", MessageRoles.Assistant, second), Message("m7", MessageRoles.User),
        ];

        Assert.Equal((second, 4), ContextCompressor.LatestSummary(path));
        Assert.Equal((first, 2), ContextCompressor.LatestSummary(path[..5]));
        Assert.Equal((null, 0), ContextCompressor.LatestSummary(path[..3]));
        Assert.Equal((null, 0), ContextCompressor.LatestSummary([Message("m1", MessageRoles.User), Message("m2", MessageRoles.Assistant, elsewhere)]));
    }

    [Fact]
    public void Summary_parts_round_trip_through_the_stored_json()
    {
        List<MessagePart> parts = [new ContextSummaryPart("s", "m2", 2, "mock/echo"), new ContextTrimmedPart("provider_error", "left out"), new TextPart("t")];

        var json = Parley.Storage.MessagePartsJson.Serialize(parts);
        var back = Parley.Storage.MessagePartsJson.Deserialize<List<MessagePart>>(json);

        Assert.Contains("\"type\":\"context_summary\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"context_trimmed\"", json, StringComparison.Ordinal);
        Assert.Equal(parts, back);
    }
}
