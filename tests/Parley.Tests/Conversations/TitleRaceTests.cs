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

        // The user's rename (a real PATCH) lands right before the automatic title write reaches the store.
        var racing = ConversationStoreProxy.Wrap(store);
        var renamed = false;
        racing.Replace(nameof(IConversationStore.ReplaceTitleAsync), args => RenameFirstAsync(args));
        var writer = ActivatorUtilities.CreateInstance<TitleWriter>(server.Services, racing.Store);
        var model = server.Services.GetRequiredService<ModelCatalog>().Resolve("mock/echo");
        var title = await writer.WriteAsync(conversation, model, new Caller(conversation.Owner, "web"), "hello", "a weekend in lisbon", "", CancellationToken.None);

        Assert.True(renamed);
        Assert.Null(title);
        Assert.Equal("My own name", (await store.GetConversationAsync(conversation.Owner, id))!.Title);

        async Task<bool> RenameFirstAsync(object?[] args)
        {
            (await server.Client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "My own name" })).EnsureSuccessStatusCode();
            renamed = true;
            return await store.ReplaceTitleAsync((string)args[0]!, (string)args[1]!, (string?)args[2], (string)args[3]!, (DateTimeOffset)args[4]!, (CancellationToken)args[5]!);
        }
    }
}
