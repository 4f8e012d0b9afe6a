using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Chat;
using Parley.Conversations;
using Parley.Providers;
using Parley.Tests.Tools;
using Parley.Tokens;
using Parley.Tools;
using Parley.Usage;
using Xunit;
using static Parley.Tests.Tools.ScriptedChatClient;

namespace Parley.Tests.Usage;

public sealed class MeteringChatClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly ModelEntry Model = new("openai", ProviderKinds.OpenAI, "gpt-4o-mini", Vision: false, Listed: true);

    private static readonly AIFunction Add = AIFunctionFactory.Create((int a, int b) => a + b, "add", "Adds two integers.");

    [Fact]
    public async Task ATurnWithToolRoundsIsMeasuredOnceForItsCallerAndEveryMeterGetsTheSameMeasurement()
    {
        var provider = new ScriptedChatClient().ThenCall(Call("add", "c1", new { a = 2, b = 3 })).ThenText("It is 5.");
        var (usage, budget) = (new RecordingMeter(), new RecordingMeter());
        using var client = Pipeline(provider, usage, budget);
        var caller = new Caller("alice", "api", "key-1");

        var updates = await Collect(client.GetStreamingResponseAsync([new(ChatRole.User, "2+3?")], new ChatOptions { Tools = [Add] }.WithCaller(caller)));

        Assert.Equal(["started", "finished"], usage.Events.Select(e => e.Kind));
        Assert.Equal(usage.Events.Select(e => e.Measurement), budget.Events.Select(e => e.Measurement));
        var measured = usage.Events[1].Measurement;
        Assert.Same(caller, measured.Caller);
        Assert.True(measured.Streaming);
        Assert.Equal("ok", measured.Outcome);
        Assert.NotNull(measured.FirstTokenMs);
        // Both rounds' reports (10 + 20 prompt, 2 + 5 completion), as the stream carried them.
        Assert.Equal((30, 7, 37), (measured.Usage.Input(), measured.Usage.Output(), measured.Usage.Total()));
        Assert.Equal(37, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Sum(u => u.Details.TotalTokenCount));
    }

    [Fact]
    public async Task AStreamWithoutAUsageReportGetsOneEstimateAndItIsWhatEveryMeterSees()
    {
        var provider = new ScriptedChatClient();
        provider.StreamingTurns.Add((_, ct) => Words(ct, "Hello", " there,", " friend."));
        var (usage, metrics) = (new RecordingMeter(), new RecordingMeter());
        using var client = Pipeline(provider, usage, metrics);

        var updates = await Collect(client.GetStreamingResponseAsync([new(ChatRole.User, "Say hello.")], new ChatOptions().WithCaller(new Caller("bob", "web"))));

        var estimate = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(true, estimate.AdditionalProperties?["estimated"]);
        var measured = usage.Events[^1].Measurement;
        Assert.Same(measured, metrics.Events[^1].Measurement);
        Assert.Equal((estimate.Details.Input(), estimate.Details.Output(), estimate.Details.Total()), (measured.Usage.Input(), measured.Usage.Output(), measured.Usage.Total()));
        Assert.True(measured.Usage.Output() > 0);
        Assert.True(measured.Usage.Input() > 0);
    }

    private static IChatClient Pipeline(IChatClient provider, params ICallMeter[] meters) =>
        provider.AsBuilder()
            .UseMetering(Model, TokenCounter.For(Model.ModelId), TimeProvider.System, meters)
            .UseParleyTools(new ToolLoopOptions(), NullLoggerFactory.Instance)
            .Build();

    private static async IAsyncEnumerable<ChatResponseUpdate> Words([EnumeratorCancellation] CancellationToken cancellationToken, params string[] words)
    {
        foreach (var word in words)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new ChatResponseUpdate(ChatRole.Assistant, word) { MessageId = "m1" };
        }
    }

    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        using var bound = new CancellationTokenSource(Bound);
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates.WithCancellation(bound.Token))
            list.Add(update);
        return list;
    }

    private sealed class RecordingMeter : ICallMeter
    {
        public List<(string Kind, CallMeasurement Measurement)> Events { get; } = [];

        public void Started(CallMeasurement measured) => Events.Add(("started", measured));

        public ValueTask FinishedAsync(CallMeasurement measured)
        {
            Events.Add(("finished", measured));
            return ValueTask.CompletedTask;
        }
    }
}
