using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Parley.Audit;
using Parley.Conversations;
using Parley.Errors;
using Parley.Identity;
using Parley.Observability;
using Parley.Retention;
using Parley.Storage;
using Parley.Storage.Sqlite;
using Parley.Tests.Support;

namespace Parley.Tests.Retention;

/// <summary>The retention job on a fake clock against a real SQLite file; rows are counted in the file itself.</summary>
public sealed class RetentionJobTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "parley-retention-tests", Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _clock = new(Now);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private SqlConversationStore _conversations = null!;
    private SqlIdentityStore _identity = null!;
    private Parley.Responses.SqlResponseStore _responses = null!;
    private AuditLog _audit = null!;

    private string Database => Path.Combine(_folder, "parley.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _conversations = new SqlConversationStore(SqliteDatabase.ForFile(Database));
        _identity = new SqlIdentityStore(SqliteDatabase.ForFile(Database));
        _responses = new Parley.Responses.SqlResponseStore(SqliteDatabase.ForFile(Database), _clock);
        await _conversations.InitializeAsync();
        _audit = new AuditLog(Options.Create(new AuditOptions()), _clock,
            new ParleyMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            NullLogger<AuditLog>.Instance);
    }

    public Task DisposeAsync()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private RetentionService Service(int? deploymentDays, int intervalMinutes = 60) =>
        new(_conversations, _identity, _audit, Options.Create(new RetentionOptions { ConversationDays = deploymentDays, IntervalMinutes = intervalMinutes }),
            _clock, NullLogger<RetentionService>.Instance, _responses);

    /// <summary>A conversation whose last message is <paramref name="daysAgo"/> old, with two messages and an image.</summary>
    private async Task<string> ConversationAsync(string owner, double daysAgo)
    {
        var at = Now.AddDays(-daysAgo);
        var conversation = new Conversation { Id = Conversation.NewId(), Owner = owner, CreatedAt = at.AddHours(-1), UpdatedAt = at.AddHours(-1) };
        await _conversations.CreateConversationAsync(conversation);
        var question = new StoredMessage { Id = StoredMessage.NewId(), ConversationId = conversation.Id, Role = MessageRoles.User, Parts = [new TextPart("q")], CreatedAt = at.AddMinutes(-1) };
        await _conversations.AddMessageAsync(question);
        await _conversations.AddMessageAsync(new StoredMessage
        {
            Id = StoredMessage.NewId(), ConversationId = conversation.Id, ParentId = question.Id, Role = MessageRoles.Assistant, Parts = [new TextPart("a")], CreatedAt = at,
        });
        await _conversations.SaveImageAsync(new StoredImage("img_" + conversation.Id, conversation.Id, "image/png", [137, 80, 78, 71]));
        return conversation.Id;
    }

    private long Rows(string table, string owner) => SqliteRows.Count(Database, table == "conversations"
        ? "SELECT COUNT(*) FROM conversations WHERE owner = $o"
        : $"SELECT COUNT(*) FROM {table} WHERE conversation_id IN (SELECT id FROM conversations WHERE owner = $o)", ("$o", owner));

    private List<AuditEvent> AuditEvents()
    {
        var events = new List<AuditEvent>();
        while (_audit.Reader.TryRead(out var e))
            events.Add(e);
        return events;
    }

    [Fact]
    public async Task A_run_deletes_by_last_activity_with_the_deployment_period_and_each_owners_shorter_one()
    {
        var aliceOld = await ConversationAsync("alice", 40);
        var aliceRecent = await ConversationAsync("alice", 29);
        var bobOld = await ConversationAsync("bob", 10);
        var localOld = await ConversationAsync("local", 5);
        var localNew = await ConversationAsync("local", 1);
        await _identity.SetRetentionDaysAsync("local", 3);
        await _identity.SetRetentionDaysAsync("bob", 90); // longer than the deployment's 30: the deployment's wins

        var run = await Service(deploymentDays: 30).RunOnceAsync();

        Assert.Equal(new DeletedConversations(2, 4, 2), run.Deleted);
        Assert.Equal(1, Rows("conversations", "alice"));
        Assert.Equal(2, Rows("messages", "alice"));
        Assert.Equal(1, Rows("images", "alice"));
        Assert.Equal(1, Rows("conversations", "bob"));
        Assert.Equal(1, Rows("conversations", "local"));
        Assert.Equal(0, SqliteRows.Count(Database, "SELECT COUNT(*) FROM messages WHERE conversation_id IN ($a, $b)", ("$a", aliceOld), ("$b", localOld)));
        Assert.Equal(0, SqliteRows.Count(Database, "SELECT COUNT(*) FROM images WHERE conversation_id IN ($a, $b)", ("$a", aliceOld), ("$b", localOld)));
        Assert.NotNull(await _conversations.GetConversationAsync("alice", aliceRecent));
        Assert.NotNull(await _conversations.GetConversationAsync("bob", bobOld));
        Assert.NotNull(await _conversations.GetConversationAsync("local", localNew));

        var audit = Assert.Single(AuditEvents());
        Assert.Equal((AuditActions.System, AuditActions.RetentionRun, AuditActions.Success), (audit.Actor, audit.Action, audit.Outcome));
        Assert.Equal("deleted 2 conversations, 4 messages, 2 images; 2 users with their own retention", audit.Detail);
        Assert.Equal(Now, audit.At);
    }

    [Fact]
    public async Task Stored_responses_go_with_the_owners_period_the_deployments_and_at_the_latest_after_their_lifetime()
    {
        async Task SaveAsync(string id, string owner, double daysAgo) => Assert.True(await _responses.SaveAsync(new Parley.Responses.StoredResponse(
            id, owner, new System.Text.Json.Nodes.JsonObject { ["id"] = id }, [], [], "mock/echo", Now.AddDays(-daysAgo))));
        await SaveAsync("resp_local_old", "local", 4);
        await SaveAsync("resp_local_new", "local", 2);
        await SaveAsync("resp_alice_20", "alice", 20);
        await SaveAsync("resp_bob_31", "bob", 31);
        await _identity.SetRetentionDaysAsync("local", 3);

        await Service(deploymentDays: null).RunOnceAsync();

        long Stored(string id) => SqliteRows.Count(Database, "SELECT COUNT(*) FROM stored_responses WHERE id = $id", ("$id", id));
        Assert.Equal((0, 1, 1, 0), (Stored("resp_local_old"), Stored("resp_local_new"), Stored("resp_alice_20"), Stored("resp_bob_31")));

        await Service(deploymentDays: 10).RunOnceAsync();
        Assert.Equal((1, 0), (Stored("resp_local_new"), Stored("resp_alice_20")));
    }

    [Fact]
    public async Task Without_a_deployment_period_only_owners_who_chose_one_lose_conversations()
    {
        await ConversationAsync("alice", 400);
        await ConversationAsync("local", 8);
        await _identity.SetRetentionDaysAsync("local", 7);

        var run = await Service(deploymentDays: null).RunOnceAsync();

        Assert.Equal(1, run.Deleted.Conversations);
        Assert.Equal(1, Rows("conversations", "alice"));
        Assert.Equal(0, Rows("conversations", "local"));
        Assert.Contains("per-user only", AuditEvents().Single().Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Own_retention_must_be_at_most_the_deployments()
    {
        var service = Service(deploymentDays: 30);
        await service.SetOwnDaysAsync("alice", 30);
        Assert.Equal(30, await _identity.GetRetentionDaysAsync("alice"));
        foreach (var bad in new[] { 0, -1, 31 })
            Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<ParleyException>(() => service.SetOwnDaysAsync("alice", bad))).Code);
        await service.SetOwnDaysAsync("alice", null);
        Assert.Null(await _identity.GetRetentionDaysAsync("alice"));
        await Service(deploymentDays: null).SetOwnDaysAsync("alice", 36_500);
        await Assert.ThrowsAsync<ParleyException>(() => Service(deploymentDays: null).SetOwnDaysAsync("alice", 36_501));
    }

    [Fact]
    public async Task The_job_runs_at_start_and_then_once_per_interval_on_the_injected_clock()
    {
        await ConversationAsync("alice", 9);
        var service = Service(deploymentDays: 10, intervalMinutes: 30);
        using var job = new RetentionJob(service, Options.Create(new RetentionOptions { ConversationDays = 10, IntervalMinutes = 30 }), _clock,
            NullLogger<RetentionJob>.Instance);
        await job.StartAsync(CancellationToken.None);

        var first = await WaitForAuditAsync();
        Assert.Contains("deleted 0 conversations", first.Detail, StringComparison.Ordinal);
        Assert.Equal(1, Rows("conversations", "alice"));

        // Two days later on the fake clock, but only 29 minutes after the last run: no run yet.
        await WaitForTimerAsync();
        _clock.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(100);
        Assert.Empty(AuditEvents());

        // The conversation is now 9 days + 30 minutes old; move past 10 days and let the timer fire.
        _clock.Advance(TimeSpan.FromDays(1));
        var second = await WaitForAuditAsync();
        Assert.Contains("deleted 1 conversations, 2 messages, 1 images", second.Detail, StringComparison.Ordinal);
        Assert.Equal(0, Rows("conversations", "alice"));
        Assert.Equal(0, SqliteRows.Count(Database, "SELECT COUNT(*) FROM images"));

        await job.StopAsync(CancellationToken.None);
    }

    private async Task<AuditEvent> WaitForAuditAsync()
    {
        for (var i = 0; i < 200; i++)
        {
            if (_audit.Reader.TryRead(out var e))
                return e;
            await Task.Delay(25);
        }
        throw new TimeoutException("The retention job did not run.");
    }

    private async Task WaitForTimerAsync()
    {
        for (var i = 0; i < 200 && _clock.PendingTimers == 0; i++)
            await Task.Delay(25);
        Assert.True(_clock.PendingTimers > 0, "The job never waited for its next interval.");
    }
}
