using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Conversations;
using Parley.Providers;
using Parley.Storage;
using Parley.Tests.Support;
using Parley.Usage;

namespace Parley.Tests.Conversations;

/// <summary>The model's title against a user's rename that lands at the last moment, on the server's real SQLite store.</summary>
public sealed class TitleRaceTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_rename_landing_just_before_the_model_title_is_written_survives()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Parley:Titles:Enabled"] = "true",
            ["Parley:Titles:Model"] = "mock/echo",
        });
        var store = server.Services.GetRequiredService<IConversationStore>();
        var id = await server.CreateConversationAsync();
        await Sse.PostAsync(server.Client, $"/api/conversations/{id}/messages", new { content = "hello" });
        var conversation = (await store.GetConversationAsync(Parley.Identity.UserNames.Local, id))!;
        Assert.Equal("hello", conversation.Title);

        var racing = new RenameFirstStore(store, server.Client, id);
        var writer = ActivatorUtilities.CreateInstance<TitleWriter>(server.Services, (IConversationStore)racing);
        var model = server.Services.GetRequiredService<ModelCatalog>().Resolve("mock/echo");
        var title = await writer.WriteAsync(conversation, model, new Caller(conversation.Owner, "web"), "hello", "a weekend in lisbon", "", CancellationToken.None);

        Assert.True(racing.Renamed);
        Assert.Null(title);
        Assert.Equal("My own name", (await store.GetConversationAsync(conversation.Owner, id))!.Title);
    }

    /// <summary>Lets the user's rename (a real PATCH) land right before each automatic title write reaches the store.</summary>
    private sealed class RenameFirstStore(IConversationStore inner, HttpClient client, string id) : IConversationStore
    {
        public bool Renamed { get; private set; }

        public async Task<bool> ReplaceTitleAsync(
            string owner, string conversationId, string? whenTitleIs, string title, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
        {
            (await client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "My own name" }, cancellationToken)).EnsureSuccessStatusCode();
            Renamed = true;
            return await inner.ReplaceTitleAsync(owner, conversationId, whenTitleIs, title, updatedAt, cancellationToken);
        }

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
        public Task AddMessageAsync(StoredMessage message, CancellationToken cancellationToken = default) => inner.AddMessageAsync(message, cancellationToken);
        public Task UpdateMessageAsync(StoredMessage message, CancellationToken cancellationToken = default) => inner.UpdateMessageAsync(message, cancellationToken);
        public Task<int> MarkInterruptedAsync(CancellationToken cancellationToken = default) => inner.MarkInterruptedAsync(cancellationToken);
        public Task ClearMessagesAsync(string conversationId, CancellationToken cancellationToken = default) => inner.ClearMessagesAsync(conversationId, cancellationToken);
        public Task SaveImageAsync(StoredImage image, CancellationToken cancellationToken = default) => inner.SaveImageAsync(image, cancellationToken);
        public Task<StoredImage?> GetImageAsync(string conversationId, string imageId, CancellationToken cancellationToken = default) => inner.GetImageAsync(conversationId, imageId, cancellationToken);
        public Task<DeletedConversations> DeleteConversationsOfAsync(string owner, DateTimeOffset? lastActivityBefore, CancellationToken cancellationToken = default) => inner.DeleteConversationsOfAsync(owner, lastActivityBefore, cancellationToken);
        public Task<DeletedConversations> DeleteInactiveConversationsAsync(DateTimeOffset lastActivityBefore, CancellationToken cancellationToken = default) => inner.DeleteInactiveConversationsAsync(lastActivityBefore, cancellationToken);
    }
}
