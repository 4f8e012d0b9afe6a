using System.Text.Json;
using Microsoft.Extensions.Options;
using Parley.Conversations;
using Parley.Folders;
using Parley.Portability;
using Parley.Storage;
using Parley.Storage.Memory;
using Parley.Storage.Sqlite;

namespace Parley.Tests.Portability;

public sealed class ImporterRollbackTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
    private SqlFolderStore _folders = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _folders = new SqlFolderStore(SqliteDatabase.ForFile(Path.Combine(_directory, "parley.db")));
        await _folders.InitializeAsync();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_write_that_fails_mid_import_removes_everything_this_import_wrote_and_nothing_else()
    {
        var inner = new InMemoryConversationStore();
        var existing = await PortabilitySamples.SeedRichConversationAsync(inner, "alice", "Existing");
        var second = await PortabilitySamples.SeedRichConversationAsync(inner, "alice", "Second");
        var kept = new Folder(Folder.NewId(), "alice", "Kept", DateTimeOffset.UnixEpoch);
        var trips = new Folder(Folder.NewId(), "alice", "Trips", DateTimeOffset.UnixEpoch);
        await _folders.AddAsync(kept);
        await _folders.AddAsync(trips);
        await inner.MoveToFolderAsync("alice", second, trips.Id);
        var exporter = new ConversationExporter(inner, _folders);
        var exports = new List<ExportedConversation>();
        await foreach (var item in exporter.ExportAllAsync("alice", CancellationToken.None))
            exports.Add(item.Export with { Id = item.Export.Id + "x", Messages = [.. item.Export.Messages.Select(m => m with { Id = m.Id + "x", ParentId = m.ParentId is null ? null : m.ParentId + "x" })],
                Blobs = [.. item.Export.Blobs.Select(b => b with { Id = b.Id + "x" })] });
        var exportedFolders = await exporter.FoldersAsync("alice", CancellationToken.None);
        await inner.DeleteConversationAsync("alice", second);
        await _folders.DeleteAsync("alice", trips.Id);
        var json = JsonSerializer.Serialize(new ParleyExport(ParleyExport.FormatName, 1, exports, exportedFolders), ExportJson.Options);
        var fixedFile = JsonDocument.Parse(FixImageReferences(json)).RootElement;

        var failing = new FailingStore(inner, failOnMessage: 10);
        var importer = new ConversationImporter(failing, _folders, Options.Create(new ImportOptions()), TimeProvider.System);
        var plan = importer.Plan(fixedFile, "alice");
        Assert.Equal(2, plan.Conversations.Count);

        await Assert.ThrowsAsync<IOException>(() => importer.ImportAsync(plan, "alice", ImportConflicts.Copy, CancellationToken.None));

        var left = await inner.ListConversationsAsync("alice", new());
        Assert.Equal([existing], left.Items.Select(i => i.Conversation.Id));
        Assert.Equal(7, (await inner.GetMessagesAsync(existing)).Count);
        foreach (var planned in plan.Conversations)
            Assert.Empty(await inner.GetMessagesAsync(planned.Conversation.Id));
        // The folder the import added for "Trips" is gone again; the caller's own folder is untouched.
        Assert.Equal([kept], await _folders.ListAsync("alice"));

        var working = new ConversationImporter(inner, _folders, Options.Create(new ImportOptions()), TimeProvider.System);
        var result = await working.ImportAsync(plan, "alice", ImportConflicts.Copy, CancellationToken.None);
        Assert.Equal(2, result.Imported);
        Assert.Equal(3, (await inner.ListConversationsAsync("alice", new())).Items.Count);
        var newTrips = Assert.Single(await _folders.ListAsync("alice"), f => f.Name == "Trips");
        Assert.Equal(trips.Id, newTrips.Id);
        var filed = Assert.Single((await inner.ListConversationsAsync("alice", new(Organised: true))).Items).Conversation;
        Assert.Equal(("Second", newTrips.Id), (filed.Title, filed.FolderId));
    }

    private static string FixImageReferences(string json)
    {
        // Blob ids were suffixed with "x" above; point the image parts at the renamed blobs.
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        foreach (var part in node["conversations"]!.AsArray().SelectMany(c => c!["messages"]!.AsArray()).SelectMany(m => m!["parts"]!.AsArray()))
        {
            if (part!["imageId"] is { } image)
                part["imageId"] = (string)image! + "x";
        }
        return node.ToJsonString();
    }

    /// <summary>
    /// A store that fails on every message write from the n-th on, as a full disk or a dropped connection would. It stays a
    /// class, not a <see cref="Support.ConversationStoreProxy"/>: the memory store's whole-conversation write is the
    /// interface's default, which must run on this wrapper so that its message writes come through here.
    /// </summary>
    private sealed class FailingStore(IConversationStore inner, int failOnMessage) : IConversationStore
    {
        public Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default) => inner.MarkInterruptedAsync(cancellationToken);

        private int _messages;

        public string Kind => inner.Kind;
        public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);
        public Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default) => inner.IsHealthyAsync(cancellationToken);
        public Task CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default) => inner.CreateConversationAsync(conversation, cancellationToken);
        public Task<Conversation?> GetConversationAsync(string owner, string id, CancellationToken cancellationToken = default) => inner.GetConversationAsync(owner, id, cancellationToken);
        public Task<ConversationPage> ListConversationsAsync(string owner, ConversationQuery query, CancellationToken cancellationToken = default) => inner.ListConversationsAsync(owner, query, cancellationToken);
        public Task<bool> UpdateConversationAsync(Conversation conversation, CancellationToken cancellationToken = default) => inner.UpdateConversationAsync(conversation, cancellationToken);
        public Task<bool> DeleteConversationAsync(string owner, string id, CancellationToken cancellationToken = default) => inner.DeleteConversationAsync(owner, id, cancellationToken);
        public Task<int> MoveOutOfFolderAsync(string owner, string folderId, CancellationToken cancellationToken = default) => inner.MoveOutOfFolderAsync(owner, folderId, cancellationToken);
        public Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, CancellationToken cancellationToken = default) => inner.GetMessagesAsync(conversationId, cancellationToken);
        public Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default) => inner.UpdateMessageAsync(message, cancellationToken);
        public Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default) => inner.ClearMessagesAsync(conversationId, cancellationToken);
        public Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default) => inner.SaveImageAsync(image, cancellationToken);
        public Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default) => inner.GetImageAsync(conversationId, imageId, cancellationToken);
        public Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) => inner.DeleteConversationsOfAsync(owner, lastActivityBefore, cancellationToken);
        public Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) => inner.DeleteInactiveConversationsAsync(lastActivityBefore, cancellationToken);

        public Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default) =>
            ++_messages >= failOnMessage ? throw new IOException("disk full") : inner.AddMessageAsync(message, cancellationToken);
    }
}
