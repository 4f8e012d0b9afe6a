using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Parley.Api;
using Parley.Bench.Load;
using Parley.Bench.Processes;
using Parley.Bench.Reporting;
using Parley.Conversations;
using Parley.Storage;
using Parley.Storage.Sqlite;

namespace Parley.Bench.Scenarios;

public sealed partial class Suite
{
    private const string ReplyText = "Sure. Here is a short answer with enough words to look like a real reply in a chat, " +
        "about three hundred characters long, so that loading ten thousand of them moves a realistic amount of JSON " +
        "from SQLite through the API: a few sentences, a list item or two, and nothing that needs escaping at all.";

    /// <summary>
    /// Writes one long conversation (a single branch) through Parley's own SQLite store before Parley starts. The store
    /// commits (and fsyncs) every message, so it writes on tmpfs when there is one and copies the finished file over.
    /// </summary>
    private async Task<string> SeedConversationAsync(ScenarioResult scenario, string dataDirectory)
    {
        var started = Stopwatch.GetTimestamp();
        var seedDirectory = Directory.Exists("/dev/shm") ? Path.Combine("/dev/shm", $"parley-bench-seed-{Guid.NewGuid():N}") : dataDirectory;
        Directory.CreateDirectory(seedDirectory);
        var store = new SqlConversationStore(SqliteDatabase.ForFile(Path.Combine(seedDirectory, "parley.db")));
        await store.InitializeAsync();
        var now = DateTimeOffset.UtcNow.AddDays(-1);
        var conversation = new Conversation
        {
            Id = Conversation.NewId(), Owner = Owners.Local, Title = "Bench: a long conversation", HasTitle = true, Model = $"{Chat.Name}/m",
            CreatedAt = now, UpdatedAt = now,
        };
        await store.CreateConversationAsync(conversation);
        string? parent = null;
        for (var i = 0; i < options.ConversationMessages; i++)
        {
            var user = i % 2 == 0;
            var message = new StoredMessage
            {
                Id = StoredMessage.NewId(),
                ConversationId = conversation.Id,
                ParentId = parent,
                Role = user ? MessageRoles.User : MessageRoles.Assistant,
                Parts = [new TextPart(user ? $"Question number {i / 2}: what should I know about this?" : ReplyText)],
                Model = user ? null : conversation.Model,
                Usage = user ? null : new TokenUsage(40, 60, 100),
                CreatedAt = now.AddMilliseconds(i),
            };
            await store.AddMessageAsync(message);
            parent = message.Id;
        }
        SqliteConnection.ClearAllPools();
        if (seedDirectory != dataDirectory)
        {
            foreach (var file in Directory.GetFiles(seedDirectory))
                File.Copy(file, Path.Combine(dataDirectory, Path.GetFileName(file)), overwrite: true);
            Directory.Delete(seedDirectory, recursive: true);
            scenario.Notes.Add("written on tmpfs (/dev/shm), then copied to Parley's data folder on disk");
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        scenario.Metrics["messages"] = options.ConversationMessages;
        scenario.Metrics["seconds"] = seconds;
        scenario.Metrics["messages_per_s"] = options.ConversationMessages / seconds;
        return conversation.Id;
    }

    /// <summary>Each worker has its own conversation (a conversation takes one reply at a time) and appends to it in a loop.</summary>
    private async Task ConversationAppendAsync(ScenarioResult scenario, ChildProcess parley)
    {
        var conversations = new List<Uri>();
        for (var i = 0; i < options.Connections; i++)
            conversations.Add(new Uri(parley.Address, $"/api/conversations/{await CreateConversationAsync(parley.Address)}/messages"));
        var body = Encoding.UTF8.GetBytes("""{"content":"Hello there, how are you today?"}""");
        var requests = conversations.Select(uri => new BenchRequest(uri, body, Streaming: true)).ToArray();

        await _load.ClosedLoopAsync(Target.Parley, (worker, _) => requests[worker], options.Connections, options.Warmup, MaxRequests);
        var run = await Measured(scenario, parley,
            () => _load.ClosedLoopAsync(Target.Parley, (worker, _) => requests[worker], options.Connections, Measure, MaxRequests));
        scenario.Metrics["messages_stored_per_s"] = run.Rps * 2;
        scenario.Notes.Add($"each request stores the user message and a {Chat.Tokens}-token reply from the fake upstream; compare with v1_stream_max's direct run for the upstream's own cost");
    }

    /// <summary>A second Parley whose data folder is on tmpfs: the gap to the disk run is what fsync per commit costs.</summary>
    private async Task ConversationAppendOnTmpfsAsync(ScenarioResult scenario)
    {
        if (!Directory.Exists("/dev/shm"))
        {
            await Skip(scenario, "no /dev/shm here");
            return;
        }
        var dataDirectory = Path.Combine("/dev/shm", $"parley-bench-{Guid.NewGuid():N}");
        try
        {
            await using var parley = await Gateways.StartParleyAsync(_serverDll, _upstream, Profiles, dataDirectory);
            await ConversationAppendAsync(scenario, parley);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private async Task<string> CreateConversationAsync(Uri parley)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"model":"{{Chat.Name}}/m"}"""));
        content.Headers.ContentType = new("application/json");
        using var response = await _load.Client.PostAsync(new Uri(parley, "/api/conversations"), content);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>GET of the whole conversation (every message), one request at a time.</summary>
    private async Task ConversationLoadAsync(ScenarioResult scenario, ChildProcess parley, string conversationId)
    {
        var request = new BenchRequest(new Uri(parley.Address, $"/api/conversations/{conversationId}"), null, Streaming: false, Method: HttpMethod.Get);
        await _load.ClosedLoopAsync(Target.Parley, (_, _) => request, 1, TimeSpan.FromSeconds(30), 2);
        var run = await Measured(scenario, parley,
            () => _load.ClosedLoopAsync(Target.Parley, (_, _) => request, 1, TimeSpan.FromSeconds(60), options.LoadSamples));
        scenario.Metrics["messages"] = options.ConversationMessages;
        if (run.Requests > 0)
            scenario.Metrics["response_kb"] = run.BytesRead / 1024.0 / run.Requests;
    }
}
