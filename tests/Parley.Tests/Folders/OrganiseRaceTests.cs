using System.Net.Http.Json;
using System.Reflection;
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
        RacingStore? racing = null;
        await using var server = await ParleyTestServer.StartAsync(configureServices: services =>
            services.AddSingleton<IConversationStore>(provider => (IConversationStore)(object)(racing = RacingStore.Wrap(StoreSelection.ConversationStore(provider)))));
        var id = await server.CreateConversationAsync();
        racing!.RenameAfterNextRead(id, "Renamed meanwhile");

        using var content = new StringContent(patch, System.Text.Encoding.UTF8, "application/json");
        using var response = await server.Client.PatchAsync($"/api/conversations/{id}", content);

        response.EnsureSuccessStatusCode();
        Assert.True(racing.Renamed);
        var stored = (await racing.Inner.GetConversationAsync(Parley.Identity.UserNames.Local, id))!;
        Assert.Equal("Renamed meanwhile", stored.Title);
        Assert.Equal(patch.Contains("pinned", StringComparison.Ordinal), stored.Pinned);
    }

    /// <summary>Forwards every call to the real store; once armed, renames the conversation right after handing out a read of it.</summary>
    public class RacingStore : DispatchProxy
    {
        private string? _armed;
        private string _title = "";

        public IConversationStore Inner { get; private set; } = null!;

        public bool Renamed { get; private set; }

        public static RacingStore Wrap(IConversationStore inner)
        {
            var proxy = (RacingStore)(object)Create<IConversationStore, RacingStore>();
            proxy.Inner = inner;
            return proxy;
        }

        public void RenameAfterNextRead(string id, string title)
        {
            _title = title;
            _armed = id;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(Inner, args);
            if (targetMethod.Name == nameof(IConversationStore.GetConversationAsync) && args?[1] is string id && _armed == id
                && Interlocked.Exchange(ref _armed, null) is not null)
                return RenameAfterAsync((Task<Conversation?>)result!);
            return result;
        }

        private async Task<Conversation?> RenameAfterAsync(Task<Conversation?> read)
        {
            var conversation = await read;
            Renamed = await Inner.UpdateConversationAsync(conversation! with { Title = _title, HasTitle = true });
            return conversation;
        }
    }
}
