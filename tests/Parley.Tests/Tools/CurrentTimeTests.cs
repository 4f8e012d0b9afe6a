using Parley.Tools;
using Xunit;

namespace Parley.Tests.Tools;

public sealed class CurrentTimeTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly CurrentTime Tool = new(new FixedClock(new DateTimeOffset(2026, 7, 14, 21, 30, 5, TimeSpan.Zero)));

    [Fact]
    public void DefaultsToUtc()
    {
        Assert.Equal("2026-07-14T21:30:05+00:00 (Tuesday, 14 July 2026, 21:30, UTC)", Tool.NowText());
        Assert.Equal(Tool.NowText(), Tool.NowText("UTC"));
    }

    [Fact]
    public void ConvertsToAnIanaZone()
    {
        Assert.Equal("2026-07-14T23:30:05+02:00 (Tuesday, 14 July 2026, 23:30, Europe/Paris)", Tool.NowText("Europe/Paris"));
        Assert.Equal("2026-07-15T06:30:05+09:00 (Wednesday, 15 July 2026, 06:30, Asia/Tokyo)", Tool.NowText(" Asia/Tokyo "));
        Assert.StartsWith("2026-07-14T17:30:05-04:00", Tool.NowText("America/New_York"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("Not a zone")]
    public void ExplainsAnUnknownZone(string zone) =>
        Assert.StartsWith($"Error: \"{zone}\" is not a known IANA time zone", Tool.NowText(zone), StringComparison.Ordinal);
}
