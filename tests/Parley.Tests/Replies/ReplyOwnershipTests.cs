using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Parley.Tests.Identity;
using Parley.Tests.Support;

namespace Parley.Tests.Replies;

/// <summary>Another user can neither follow nor stop a running reply; one user's resume connections are bounded.</summary>
public sealed class ReplyOwnershipTests : IAsyncLifetime
{
    private const int MaxStreams = 2;
    private ParleyTestServer _server = null!;
    private HttpClient _alice = null!;
    private HttpClient _bob = null!;

    public async Task InitializeAsync()
    {
        _server = await AccountsServer.StartAsync(new Dictionary<string, string?> { ["Parley:Replies:MaxStreamsPerUser"] = $"{MaxStreams}" });
        _alice = _server.ClientWithKey(await _server.CreateKeyAsync("alice"));
        _bob = _server.ClientWithKey(await _server.CreateKeyAsync("bob"));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _bob.Dispose();
        await _server.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Another_user_gets_404_for_the_reply_events_cancel_and_delete_and_the_reply_runs_to_the_end()
    {
        var words = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i}"));
        var created = await _alice.PostAsJsonAsync("/api/conversations", new { });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using var stream = await LiveEvents.OpenAsync(_alice, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = words + " [[mock:tps 40]]" });
        await stream.ReadTextsAsync(2);
        var replyId = stream.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()!;

        await ReplyResumeTests.AssertProblemAsync(await _bob.GetAsync($"/api/conversations/{id}/replies/{replyId}/events"), 404, id);
        await ReplyResumeTests.AssertProblemAsync(await _bob.PostAsync($"/api/conversations/{id}/cancel", null), 404, id);
        await ReplyResumeTests.AssertProblemAsync(await _bob.DeleteAsync($"/api/conversations/{id}"), 404, id);

        await stream.ReadToEndAsync();
        var end = stream.Only("assistant_end").GetProperty("message");
        Assert.Equal("complete", end.GetProperty("status").GetString());
        Assert.Equal(words, end.GetProperty("text").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_flood_of_resume_connections_is_bounded_per_user()
    {
        var words = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i}"));
        var created = await _alice.PostAsJsonAsync("/api/conversations", new { });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await using var stream = await LiveEvents.OpenAsync(_alice, HttpMethod.Post, $"/api/conversations/{id}/messages", new { content = words + " [[mock:tps 20]]" });
        await stream.ReadTextsAsync(1);
        var events = $"/api/conversations/{id}/replies/{stream.Only("assistant_start").GetProperty("message").GetProperty("id").GetString()}/events";

        var open = new List<LiveEvents>();
        try
        {
            for (var i = 0; i < MaxStreams; i++)
                open.Add(await LiveEvents.OpenAsync(_alice, HttpMethod.Get, events));
            await ReplyResumeTests.AssertProblemAsync(await _alice.GetAsync(events), 429, "streams open");
            // Bob's allowance is his own.
            Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync(events)).StatusCode);
        }
        finally
        {
            foreach (var s in open)
                await s.DisposeAsync();
        }

        // Slots come back when the connections close.
        var again = await WaitAsync(async () => (await _alice.GetAsync(events + "?after=1", HttpCompletionOption.ResponseHeadersRead)) is { StatusCode: HttpStatusCode.OK } r ? r : null);
        again.Dispose();
        Assert.Equal(HttpStatusCode.Accepted, (await _alice.PostAsync($"/api/conversations/{id}/cancel", null)).StatusCode);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var i = 0; i < 50; i++)
        {
            if (await probe() is { } value)
                return value;
            await Task.Delay(100);
        }
        throw new TimeoutException("The condition did not hold within 5 s.");
    }
}
