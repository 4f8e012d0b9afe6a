using Microsoft.Extensions.DependencyInjection;
using Parley.Conversations;
using Parley.Storage;
using Parley.Tests.Support;

namespace Parley.Tests.Folders;

/// <summary>A pin or folder move over the API, against a rename that lands between the handler's read and its writes.</summary>
public sealed class OrganiseRaceTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("""{"pinned":true}""")]
    [InlineData("""{"folderId":null}""")]
    public async Task Organising_from_a_read_taken_before_a_rename_keeps_the_rename(string patch)
    {
        ConversationStoreProxy? racing = null;
        await using var server = await ParleyTestServer.StartAsync(configureServices: services =>
            services.AddSingleton(provider => (racing = ConversationStoreProxy.Wrap(StoreSelection.ConversationStore(provider))).Store));
        var id = await server.CreateConversationAsync();
        var renamed = false;
        var armed = 1;
        // The handler's read of the conversation is handed out, then the rename lands, before the handler writes.
        racing!.Replace(nameof(IConversationStore.GetConversationAsync), args =>
        {
            var read = racing.Inner.GetConversationAsync((string)args[0]!, (string)args[1]!, (CancellationToken)args[2]!);
            return (string)args[1]! == id && Interlocked.Exchange(ref armed, 0) == 1 ? RenameAfterAsync(read) : read;
        });

        using var content = new StringContent(patch, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Client.PatchAsync($"/api/conversations/{id}", content);

        response.EnsureSuccessStatusCode();
        Assert.True(renamed);
        var stored = (await racing.Inner.GetConversationAsync(Parley.Identity.UserNames.Local, id))!;
        Assert.Equal("Renamed meanwhile", stored.Title);
        Assert.Equal(patch.Contains("pinned", StringComparison.Ordinal), stored.Pinned);

        async Task<Conversation?> RenameAfterAsync(Task<Conversation?> read)
        {
            var conversation = await read;
            renamed = await racing.Inner.UpdateConversationAsync(conversation! with { Title = "Renamed meanwhile", HasTitle = true });
            return conversation;
        }
    }
}
