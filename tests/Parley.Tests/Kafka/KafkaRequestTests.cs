using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Errors;
using Parley.Kafka;
using Parley.Limits;

namespace Parley.Tests.Kafka;

/// <summary>Seed 001's wire formats, the per-user limiter and offset bookkeeping, without a broker.</summary>
public sealed class KafkaRequestTests
{
    [Fact]
    public void ReadsEveryField()
    {
        var request = Parse("""
            {"user_email": "u@example.com", "message": "Hi", "context": "Earlier talk", "model": "mock/echo",
             "max_tokens": 1000, "temperature": 0.7, "system_prompt": "Be brief.", "images": ["aGk="]}
            """);

        Assert.Equal(new KafkaRequest("Hi", "u@example.com", "Earlier talk", null, "mock/echo", 1000, 0.7, "Be brief.", request.Images), request);
        Assert.Equal(["aGk="], request.Images!);
    }

    [Fact]
    public void OnlyMessageIsRequiredAndNullsMeanDefaults()
    {
        var request = Parse("""{"message": "Hi", "model": null, "max_tokens": null, "temperature": null, "images": null, "context": null}""");

        Assert.Equal(new KafkaRequest("Hi"), request);
    }

    [Fact]
    public void ContextMayBeAListOfMessages()
    {
        var request = Parse("""{"message": "Hi", "context": {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}}""");

        Assert.Equal([ChatRole.User, ChatRole.Assistant], request.ContextMessages!.Select(m => m.Role));
        Assert.Equal(["a", "b"], request.ContextMessages!.Select(m => m.Text));
    }

    [Theory]
    [InlineData("not json", ErrorCodes.InvalidJson)]
    [InlineData("", ErrorCodes.InvalidJson)]
    [InlineData("\"text\"", ErrorCodes.InvalidRequest)]
    [InlineData("{}", ErrorCodes.EmptyMessage)]
    [InlineData("""{"message": "  "}""", ErrorCodes.EmptyMessage)]
    [InlineData("""{"message": 5}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "max_tokens": "ten"}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "max_tokens": 1.5}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "max_tokens": 0}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "temperature": "hot"}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "temperature": 3}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "images": "aGk="}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "images": [1]}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "context": 1}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "context": [{"role": "robot", "content": "x"}]}""", ErrorCodes.InvalidRequest)]
    [InlineData("""{"message": "hi", "user_email": ["a"]}""", ErrorCodes.InvalidRequest)]
    public void BadRequestsAreRefusedWithACode(string value, string code)
    {
        var error = Assert.ThrowsAny<ParleyException>(() => Parse(value));

        Assert.Equal(code, error.Code);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void TooLongMessagesAreRefused()
    {
        var error = Assert.ThrowsAny<ParleyException>(() => KafkaRequest.Parse(Encoding.UTF8.GetBytes("""{"message": "abcdef"}"""), maxMessageChars: 5));

        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
    }

    [Fact]
    public void AnswerHasSeedFieldsAndTypes()
    {
        var json = JsonDocument.Parse(KafkaResponse.Answer("Hello", "mock/echo", new TokenUsage(50, 100, 150), "stop",
            new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(2.5))).RootElement;

        Assert.Equal("""{"response":"Hello","model":"mock/echo","usage":{"prompt_tokens":50,"completion_tokens":100,"total_tokens":150},"finish_reason":"stop","timestamp":"2024-01-01T00:00:00Z","processing_time":2.5}""",
            json.GetRawText());
    }

    [Fact]
    public void ErrorHasCodeAndMessage()
    {
        var json = Encoding.UTF8.GetString(KafkaResponse.Error("invalid_json", "Not JSON.", null, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(1)));

        Assert.Equal("""{"error":{"code":"invalid_json","message":"Not JSON."},"model":null,"timestamp":"2024-01-01T00:00:00Z","processing_time":0.001}""", json);
    }

    [Fact]
    public void LimiterAllowsTheRatePerUserPerMinute()
    {
        var clock = new ManualClock();
        var limiter = new InMemoryUserLimiter(Options.Create(new UserLimitOptions { RequestsPerMinute = 2 }), clock);

        Assert.Null(limiter.TryStart("a@example.com"));
        Assert.Null(limiter.TryStart("a@example.com"));
        Assert.Equal(UserLimitCodes.RateLimited, limiter.TryStart("a@example.com")?.Code);
        Assert.Null(limiter.TryStart("b@example.com"));
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(limiter.TryStart("A@example.com"));
    }

    [Fact]
    public void LimiterStopsAUserWhoseDailyBudgetIsSpentUntilTheNextDay()
    {
        var clock = new ManualClock();
        var limiter = new InMemoryUserLimiter(Options.Create(new UserLimitOptions { DailyTokenLimit = 100 }), clock);

        Assert.Null(limiter.TryStart("a@example.com"));
        limiter.RecordTokens("a@example.com", 100);
        Assert.Equal(UserLimitCodes.BudgetExhausted, limiter.TryStart("a@example.com")?.Code);
        Assert.Null(limiter.TryStart("b@example.com"));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Null(limiter.TryStart("a@example.com"));
    }

    [Fact]
    public void OffsetsAreCommittedOnlyUpToTheOldestUnfinishedRequest()
    {
        var progress = new PartitionProgress();
        Assert.Null(progress.Committable());

        progress.Started(10);
        progress.Started(11);
        progress.Started(12);
        progress.Finished(11);
        progress.Finished(12);
        Assert.Equal(10, progress.Committable());

        progress.Finished(10);
        Assert.Equal(13, progress.Committable());
        progress.Committed(13);
        Assert.Null(progress.Committable());
    }

    private static KafkaRequest Parse(string json) => KafkaRequest.Parse(Encoding.UTF8.GetBytes(json), 100_000);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
