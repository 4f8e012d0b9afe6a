using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Audit;
using Parley.Observability;
using Parley.Tests.Support;

namespace Parley.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 21, 12, 0, 5, TimeSpan.Zero));

    public void Dispose() => _services.Dispose();

    private AuditLog Create(int capacity = 10_000, int refusalsPerMinute = 3) =>
        new(Options.Create(new AuditOptions { QueueCapacity = capacity, MaxRefusalsPerMinute = refusalsPerMinute }), _clock,
            new ParleyMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<AuditLog>.Instance);

    private static List<AuditEvent> Drain(AuditLog log)
    {
        var events = new List<AuditEvent>();
        while (log.Reader.TryRead(out var e))
            events.Add(e);
        return events;
    }

    private static AuditEntry Refusal(int i) => new(AuditActions.Anonymous, AuditActions.KeyRefused, "(unknown key)", AuditActions.Failure, "10.0.0." + i, "invalid_api_key");

    [Fact]
    public void Refusals_over_the_cap_are_counted_and_summarized_in_one_row_in_the_next_minute()
    {
        var log = Create(refusalsPerMinute: 3);
        for (var i = 0; i < 10; i++)
            log.RecordRefusal(Refusal(i));
        Assert.Equal(["10.0.0.0", "10.0.0.1", "10.0.0.2"], Drain(log).Select(e => e.Address));

        _clock.Advance(TimeSpan.FromMinutes(1));
        log.RecordRefusal(Refusal(99));
        var next = Drain(log);
        Assert.Equal(2, next.Count);
        Assert.StartsWith("7 more refused API keys", next[0].Detail, StringComparison.Ordinal);
        Assert.Equal("10.0.0.99", next[1].Address);
    }

    [Fact]
    public void A_full_queue_drops_new_events_instead_of_blocking_and_long_fields_are_cut()
    {
        var log = Create(capacity: 16);
        for (var i = 0; i < 40; i++)
            log.Record(new AuditEntry("alice", AuditActions.KeyCreated, "key:" + i, AuditActions.Success, Detail: new string('x', 2000)));
        var kept = Drain(log);
        Assert.Equal(16, kept.Count);
        Assert.Equal("key:0", kept[0].Target);
        Assert.All(kept, e => Assert.Equal(500, e.Detail!.Length));
        Assert.All(kept, e => Assert.Equal(_clock.GetUtcNow(), e.At));
    }
}
