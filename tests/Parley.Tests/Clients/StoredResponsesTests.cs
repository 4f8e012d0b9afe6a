#pragma warning disable OPENAI001 // the Responses client is marked experimental in the SDK
using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Responses;
using Parley.Tests.Identity;
using Parley.Tests.Retention;
using Parley.Tests.Support;

namespace Parley.Tests.Clients;

/// <summary>
/// Stored <c>/v1/responses</c> responses live in the SQL database: they survive a restart (and <c>previous_response_id</c>
/// continues them there), and go with "delete all my data" and with the account. Rows are checked in the SQLite file.
/// </summary>
public sealed class StoredResponsesTests
{
    private static ResponsesClient Sdk(ParleyTestServer server) =>
        new(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });

    private static long Rows(ParleyTestServer server, string owner) =>
        SqliteRows.Count(Path.Combine(server.DataDirectory, "parley.db"), "SELECT COUNT(*) FROM stored_responses WHERE owner = $o", ("$o", owner));

    private static async Task<string> CreateAsync(HttpClient client, string input = "remember me")
    {
        var created = await client.PostAsJsonAsync("/v1/responses", new { model = "mock/echo", input });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_stored_response_is_retrievable_after_a_restart_and_previous_response_id_continues_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "parley-tests", Guid.NewGuid().ToString("N"));
        try
        {
            string plainId, toolId, callId, streamedId;
            int firstInputTokens;
            await using (var before = await ParleyTestServer.StartAsync(dataDirectory: folder))
            {
                var sdk = Sdk(before);
                ResponseResult plain = await sdk.CreateResponseAsync("mock/echo", "first turn", previousResponseId: null);
                (plainId, firstInputTokens) = (plain.Id, plain.Usage.InputTokenCount);
                ResponseResult tool = await sdk.CreateResponseAsync(new CreateResponseOptions("mock/echo",
                    [ResponseItem.CreateUserMessageItem("time? [[mock:tool current_time {\"zone\":\"UTC\"}]]")])
                {
                    Tools = { ResponseTool.CreateFunctionTool("current_time", BinaryData.FromString("""{"type":"object"}"""), strictModeEnabled: false) },
                });
                (toolId, callId) = (tool.Id, Assert.IsType<FunctionCallResponseItem>(Assert.Single(tool.OutputItems)).CallId);
                // A streamed response is stored before its final event, so a client reading that event can GET it at once.
                var (_, events) = await NamedSse.PostAsync(before.Client, "/v1/responses", """{"model":"mock/echo","input":"streamed turn","stream":true}""");
                streamedId = events[^1].Data.GetProperty("response").GetProperty("id").GetString()!;
                Assert.Equal(3, Rows(before, "local"));
            }

            await using var after = await ParleyTestServer.StartAsync(dataDirectory: folder);
            var again = Sdk(after);
            ResponseResult fetched = await again.GetResponseAsync(plainId);
            Assert.Equal("first turn", fetched.GetOutputText());
            var items = new List<ResponseItem>();
            await foreach (var item in again.GetResponseInputItemsAsync(new ResponseItemCollectionOptions(plainId)))
                items.Add(item);
            Assert.Equal("first turn", Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(items)).Content[0].Text);

            Assert.Equal("streamed turn", (await again.GetResponseAsync(streamedId)).Value.GetOutputText());
            ResponseResult continued = await again.CreateResponseAsync("mock/echo", "second turn", plainId);
            Assert.Equal("second turn", continued.GetOutputText());
            Assert.True(continued.Usage.InputTokenCount > firstInputTokens, "the continuation saw the first exchange");

            // The tool call's id survived the restart: its output is accepted and answered.
            ResponseResult answered = await again.CreateResponseAsync(
                new CreateResponseOptions("mock/echo", [ResponseItem.CreateFunctionCallOutputItem(callId, "12:00")]) { PreviousResponseId = toolId });
            Assert.Equal("The tool returned: 12:00", answered.GetOutputText());
            Assert.Equal(5, Rows(after, "local"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Delete_all_my_data_and_deleting_the_account_remove_stored_responses()
    {
        await using var server = await AccountsServer.StartAsync();
        var identity = server.Services.GetRequiredService<Parley.Identity.IdentityService>();
        // Rows are stored under each account's id, not its name.
        var bobId = (await identity.CreateUserAsync("bob", "bob-password-long", isAdmin: false)).Id;
        var carolId = (await identity.CreateUserAsync("carol", "carol-password-long", isAdmin: false)).Id;
        using var bob = server.ClientWithKey(await server.CreateKeyAsync("bob"));
        using var carol = server.ClientWithKey(await server.CreateKeyAsync("carol"));
        var bobs = await CreateAsync(bob);
        var carols = await CreateAsync(carol);
        Assert.Equal((1, 1), (Rows(server, bobId), Rows(server, carolId)));

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/me/data") { Content = JsonContent.Create(new { confirm = "delete all my data" }) };
        Assert.Equal(HttpStatusCode.OK, (await bob.SendAsync(delete)).StatusCode);
        Assert.Equal(0, Rows(server, bobId));
        Assert.Equal(1, Rows(server, carolId));

        await identity.DeleteUserAsync("carol");
        Assert.Equal(0, Rows(server, carolId));
        Assert.NotEqual(bobs, carols);
    }

    [Fact]
    public async Task With_memory_storage_responses_stay_in_the_process()
    {
        await using var server = await ParleyTestServer.StartAsync(new Dictionary<string, string?> { ["Parley:Storage:Provider"] = "memory" });
        var id = await CreateAsync(server.Client);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync($"/v1/responses/{id}")).StatusCode);
        Assert.Equal(0, Rows(server, "local"));
        Assert.IsType<Parley.Responses.InMemoryResponseStore>(server.Services.GetRequiredService<Parley.Responses.IResponseStore>());
    }
}
