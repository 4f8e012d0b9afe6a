using System.Text;
using Parley.Providers.OpenAI;
using Parley.Relay;
using Xunit;

namespace Parley.Tests.Relay;

/// <summary>The relay's event cutter: whole events forwarded as they complete, and no buffer held between events.</summary>
public sealed class RelayStreamScannerTests
{
    private const string First = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n";
    private const string Second = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n";

    [Fact]
    public void An_event_split_across_reads_is_forwarded_whole_once_complete_and_the_scanner_is_empty_between_events()
    {
        using var scanner = new RelayStreamScanner(new OpenAIChatRelayReader("p", usageAdded: false));
        Assert.True(scanner.IsEmpty);

        var forwarded = new StringBuilder();
        var cut = First.Length + 40;
        var input = Encoding.UTF8.GetBytes(First + Second);
        foreach (var (start, length) in new[] { (0, cut), (cut, input.Length - cut) })
        {
            var space = scanner.FreeSpace();
            input.AsSpan(start, length).CopyTo(space.Span);
            var (forward, error) = scanner.Advance(length);
            Assert.Null(error);
            forwarded.Append(Encoding.UTF8.GetString(forward.Span));
            if (start == 0)
            {
                Assert.Equal(First, forwarded.ToString());
                Assert.False(scanner.IsEmpty); // 40 bytes of the second event wait for the rest
                Assert.Equal(40, scanner.Remaining);
            }
        }

        Assert.Equal(First + Second, forwarded.ToString());
        Assert.True(scanner.IsEmpty);
    }

    [Fact]
    public void An_event_larger_than_the_first_buffer_grows_it_and_arrives_intact()
    {
        using var scanner = new RelayStreamScanner(new OpenAIChatRelayReader("p", usageAdded: false));
        var big = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
            + new string('x', 20_000) + "\"},\"finish_reason\":null}]}\n\n";
        var input = Encoding.UTF8.GetBytes(big);
        var forwarded = new StringBuilder();
        var at = 0;
        for (var reads = 0; at < input.Length && reads < 100; reads++)
        {
            var space = scanner.FreeSpace();
            var length = Math.Min(space.Length, input.Length - at);
            input.AsSpan(at, length).CopyTo(space.Span);
            at += length;
            var (forward, error) = scanner.Advance(length);
            Assert.Null(error);
            forwarded.Append(Encoding.UTF8.GetString(forward.Span));
        }

        Assert.Equal(big, forwarded.ToString());
        Assert.True(scanner.IsEmpty);
    }
}
