using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Parley.Tools;
using Xunit;
using static Parley.Tests.Tools.ScriptedChatClient;

namespace Parley.Tests.Tools;

public sealed class ParleyFunctionInvokingChatClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly AIFunction Add = AIFunctionFactory.Create((int a, int b) => a + b, "add", "Adds two integers.");

    private static ChatOptions With(params AITool[] tools) => new() { Tools = [.. tools] };

    private static List<ChatMessage> Ask(string text) => [new(ChatRole.User, text)];

    private static string ResultText(ChatMessage toolMessage, int index = 0) =>
        ToolContent.ResultText(toolMessage.Contents.OfType<FunctionResultContent>().ElementAt(index));

    [Fact]
    public async Task OneCallThenAnswerAppendsCallResultAndAnswer()
    {
        var model = new ScriptedChatClient().ThenCall(Call("add", "c1", new { a = 2, b = 3 })).ThenText("It is 5.");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("2+3?"), With(Add)).WaitAsync(Bound);

        Assert.Collection(response.Messages,
            m => Assert.Equal("add", Assert.IsType<FunctionCallContent>(Assert.Single(m.Contents)).Name),
            m =>
            {
                Assert.Equal(ChatRole.Tool, m.Role);
                var result = Assert.IsType<FunctionResultContent>(Assert.Single(m.Contents));
                Assert.Equal("c1", result.CallId);
                Assert.Equal("5", result.Result?.ToString());
            },
            m => Assert.Equal("It is 5.", m.Text));
        Assert.Equal(2, model.Requests.Count);
        Assert.Equal(3, model.Requests[1].Count); // user, assistant call, tool result
        Assert.Equal(30, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task ParallelCallsRunAtTheSameTime()
    {
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var rendezvous = AIFunctionFactory.Create(async (string name, CancellationToken ct) =>
        {
            if (Interlocked.Increment(ref started) == 2)
                bothStarted.SetResult();
            // Run one after the other, the first call would wait here alone and time out.
            await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(5), ct);
            return $"met {name}";
        }, "meet", "Waits for the other call.");
        var model = new ScriptedChatClient()
            .ThenCall(Call("meet", "c1", new { name = "a" }), Call("meet", "c2", new { name = "b" }))
            .ThenText("done");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("go"), With(rendezvous)).WaitAsync(Bound);

        var results = response.Messages[1].Contents.OfType<FunctionResultContent>().ToList();
        Assert.Equal(["c1", "c2"], results.Select(r => r.CallId));
        Assert.Equal(["met a", "met b"], results.Select(r => r.Result as string));
    }

    [Fact]
    public async Task CallsBeyondThePerRoundLimitGetAnErrorResult()
    {
        var invocations = 0;
        var count = AIFunctionFactory.Create(() => Interlocked.Increment(ref invocations), "count");
        var model = new ScriptedChatClient().ThenCall([.. Enumerable.Range(0, 5).Select(i => Call("count", $"c{i}"))]).ThenText("ok");
        using var client = new ParleyFunctionInvokingChatClient(model, new ToolLoopOptions { MaxCallsPerRound = 3 });

        var response = await client.GetResponseAsync(Ask("x"), With(count)).WaitAsync(Bound);

        Assert.Equal(3, invocations);
        Assert.Equal(5, response.Messages[1].Contents.Count);
        Assert.Equal("Error: too many tool calls in one round (at most 3 run); call this one again later.", ResultText(response.Messages[1], 4));
    }

    [Fact]
    public async Task UnknownToolGetsAnErrorResultAndTheLoopGoesOn()
    {
        var model = new ScriptedChatClient().ThenCall(Call("delete_everything", "c1")).ThenText("Sorry.");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("x"), With(Add)).WaitAsync(Bound);

        var text = ResultText(response.Messages[1]);
        Assert.StartsWith("Error: there is no tool named \"delete_everything\"", text, StringComparison.Ordinal);
        Assert.Contains("add", text, StringComparison.Ordinal);
        Assert.Equal("Sorry.", response.Text);
    }

    [Fact]
    public async Task ArgumentsThatAreNotJsonGetAnErrorResultWithoutRunningTheTool()
    {
        var ran = false;
        var tool = AIFunctionFactory.Create((int a) => { ran = true; return a; }, "echo_int");
        var badCall = FunctionCallContent.CreateFromParsedArguments("{\"a\": 1,,", "c1", "echo_int",
            json => JsonSerializer.Deserialize<Dictionary<string, object?>>(json));
        Assert.NotNull(badCall.Exception);
        var model = new ScriptedChatClient().ThenCall(badCall).ThenText("ok");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("x"), With(tool)).WaitAsync(Bound);

        Assert.StartsWith("Error: the arguments for echo_int are not valid JSON", ResultText(response.Messages[1]), StringComparison.Ordinal);
        Assert.False(ran);
    }

    [Fact]
    public async Task MissingParameterGetsAnErrorResult()
    {
        var model = new ScriptedChatClient().ThenCall(Call("add", "c1", new { a = 1 })).ThenText("ok");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("x"), With(Add)).WaitAsync(Bound);

        Assert.StartsWith("Error: the arguments for add do not fit its parameters", ResultText(response.Messages[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThrowingToolGetsAnErrorResultWithoutDetails()
    {
        var tool = AIFunctionFactory.Create(string () => throw new InvalidOperationException("connection string Password=hunter2"), "boom");
        var friendly = AIFunctionFactory.Create(string () => throw new ToolException("the wiki is read-only"), "wiki");
        var model = new ScriptedChatClient().ThenCall(Call("boom", "c1"), Call("wiki", "c2")).ThenText("ok");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("x"), With(tool, friendly)).WaitAsync(Bound);

        var boom = ResultText(response.Messages[1], 0);
        Assert.Equal("Error: boom failed unexpectedly; the error was logged on the server.", boom);
        Assert.DoesNotContain("hunter2", boom, StringComparison.Ordinal);
        Assert.Equal("Error: the wiki is read-only", ResultText(response.Messages[1], 1));
    }

    [Fact]
    public async Task AFailedCallCarriesItsExceptionAndTheModelReadsTheSafeMessage()
    {
        var tool = AIFunctionFactory.Create(string () => throw new InvalidOperationException("connection string Password=hunter2"), "boom");
        var calculator = AIFunctionFactory.Create((string expression) => Calculator.Run(expression), Calculator.ToolName);
        foreach (var streaming in new[] { false, true })
        {
            var model = new ScriptedChatClient()
                .ThenCall(Call("boom", "c1"), Call(Calculator.ToolName, "c2", new { expression = "1 / 0" }), Call("add", "c3", new { a = 1, b = 2 }))
                .ThenText("ok");
            using var client = new ParleyFunctionInvokingChatClient(model);

            var results = streaming
                ? (await Collect(client.GetStreamingResponseAsync(Ask("x"), With(tool, calculator, Add)))).SelectMany(u => u.Contents).OfType<FunctionResultContent>().ToList()
                : (await client.GetResponseAsync(Ask("x"), With(tool, calculator, Add)).WaitAsync(Bound)).Messages[1].Contents.OfType<FunctionResultContent>().ToList();

            var byId = results.ToDictionary(r => r.CallId);
            var boom = Assert.IsType<ToolException>(byId["c1"].Exception);
            Assert.IsType<InvalidOperationException>(boom.InnerException);
            Assert.Equal("Error: boom failed unexpectedly; the error was logged on the server.", ToolContent.ResultText(byId["c1"]));
            Assert.Equal("division by zero.", Assert.IsType<ToolException>(byId["c2"].Exception).Message);
            Assert.Equal("Error: division by zero.", ToolContent.ResultText(byId["c2"]));
            Assert.Null(byId["c3"].Exception);
            Assert.False(ToolContent.IsError(byId["c3"]));

            // What the model is sent next: the same results, failures with their exception and their text.
            var sent = model.Requests[1][2].Contents.OfType<FunctionResultContent>().ToList();
            Assert.Equal(["c1", "c2", "c3"], sent.Select(r => r.CallId));
            Assert.Equal(["Error: boom failed unexpectedly; the error was logged on the server.", "Error: division by zero.", "3"], sent.Select(r => r.Result?.ToString()));
            Assert.Equal([true, true, false], sent.Select(ToolContent.IsError));
            Assert.DoesNotContain(sent, r => r.Result?.ToString()?.Contains("hunter2", StringComparison.Ordinal) == true);
        }
    }

    [Fact]
    public async Task HangingToolIsCutOffByTheTimeout()
    {
        // Ignores its cancellation token on purpose.
        var hang = AIFunctionFactory.Create(async () => { await Task.Delay(Timeout.Infinite); return "never"; }, "hang");
        var model = new ScriptedChatClient().ThenCall(Call("hang", "c1")).ThenText("gave up");
        using var client = new ParleyFunctionInvokingChatClient(model, new ToolLoopOptions { ToolTimeout = TimeSpan.FromMilliseconds(200) });
        var watch = Stopwatch.StartNew();

        var response = await client.GetResponseAsync(Ask("x"), With(hang)).WaitAsync(Bound);

        Assert.Equal("Error: hang did not finish within 0.2 seconds and was stopped.", ResultText(response.Messages[1]));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal("gave up", response.Text);
    }

    [Fact]
    public async Task TenMegabyteResultsAreCappedWithANote()
    {
        var huge = AIFunctionFactory.Create(() => new string('x', 10_000_000), "huge_text");
        // Returned unmarshalled, lazily: the loop must stop serialising at the cap instead of building 30 MB of JSON.
        var hugeObject = new RawFunction("huge_object", () => Enumerable.Range(0, 1_000_000).Select(i => new { id = i, name = "item " + i }));
        var model = new ScriptedChatClient().ThenCall(Call("huge_text", "c1"), Call("huge_object", "c2")).ThenText("ok");
        using var client = new ParleyFunctionInvokingChatClient(model, new ToolLoopOptions { MaxResultChars = 1000 });

        var response = await client.GetResponseAsync(Ask("x"), With(huge, hugeObject)).WaitAsync(Bound);

        foreach (var index in new[] { 0, 1 })
        {
            var text = ResultText(response.Messages[1], index);
            Assert.True(text.Length < 1100, $"result {index} has {text.Length} chars");
            Assert.EndsWith("[Result truncated: it was longer than 1000 characters.]", text, StringComparison.Ordinal);
        }

        Assert.StartsWith("[{\"id\":0,\"name\":\"item 0\"}", ResultText(response.Messages[1], 1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndlessToolCallsStopAtTheRoundLimitWithAMessage()
    {
        var invocations = 0;
        var ping = AIFunctionFactory.Create(() => ++invocations, "ping");
        var model = new ScriptedChatClient().AlwaysCall(i => Call("ping", $"c{i}"));
        using var client = new ParleyFunctionInvokingChatClient(model, new ToolLoopOptions { MaxRounds = 3 });

        var response = await client.GetResponseAsync(Ask("x"), With(ping)).WaitAsync(Bound);

        Assert.Equal(4, model.Requests.Count);
        Assert.Equal(3, invocations);
        Assert.Equal("Stopped after 3 tool rounds: the model kept asking for tools without giving an answer.", response.Messages[^1].Text);
        Assert.Equal(true, response.AdditionalProperties?[ParleyFunctionInvokingChatClient.RoundLimitReachedKey]);
        AssertEveryCallAnswered(response.Messages);
    }

    [Fact]
    public async Task CallsToDeclarationOnlyToolsAreReturnedToTheCaller()
    {
        var clientTool = AIFunctionFactory.CreateDeclaration("get_weather", "Client-side weather.",
            JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement);
        var model = new ScriptedChatClient()
            .ThenCall(Call("get_weather", "c1", new { city = "Oslo" }))
            .ThenCall(Call("get_weather", "c2", new { city = "Oslo" }));
        using var client = new ParleyFunctionInvokingChatClient(model);

        var response = await client.GetResponseAsync(Ask("weather?"), With(clientTool, Add)).WaitAsync(Bound);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Assert.Single(response.Messages).Contents));
        Assert.Equal("get_weather", call.Name);
        Assert.Single(model.Requests);

        var streamed = await Collect(client.GetStreamingResponseAsync(Ask("weather?"), With(clientTool)));
        Assert.Equal("get_weather", Assert.Single(streamed.SelectMany(u => u.Contents).OfType<FunctionCallContent>()).Name);
        Assert.Empty(streamed.SelectMany(u => u.Contents).OfType<FunctionResultContent>());
        Assert.Equal(2, model.Requests.Count);
    }

    [Fact]
    public async Task StreamingYieldsTextCallResultTextInOrderWithUsageOfEveryRound()
    {
        var model = new ScriptedChatClient()
            .Then((_, _, _) => Task.FromResult(Response(new ChatMessage(ChatRole.Assistant,
                [new TextContent("Let me add. "), Call("add", "c1", new { a = 2, b = 2 })]), 10, 2)))
            .ThenText("It is 4.");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var updates = await Collect(client.GetStreamingResponseAsync(Ask("2+2?"), With(Add)));

        var kinds = updates.SelectMany(u => u.Contents.Select(c => (u.Role, c)))
            .Where(x => x.c is not UsageContent)
            .Select(x => x.c switch
            {
                TextContent t => "text:" + t.Text,
                FunctionCallContent f => "call:" + f.Name,
                FunctionResultContent r => $"result({x.Role}):{r.Result}",
                _ => x.c.GetType().Name,
            });
        Assert.Equal(["text:Let me add. ", "call:add", "result(tool):4", "text:It is 4."], kinds);

        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().ToList();
        Assert.Equal(2, usage.Count);
        Assert.Equal(30, usage.Sum(u => u.Details.InputTokenCount));
        Assert.Equal(7, usage.Sum(u => u.Details.OutputTokenCount));

        var rebuilt = updates.ToChatResponse();
        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], rebuilt.Messages.Select(m => m.Role));
        Assert.Equal(3, model.Requests[1].Count);
        Assert.Equal(["Let me add. ", "add"], model.Requests[1][1].Contents.Select(c => c is TextContent t ? t.Text : ((FunctionCallContent)c).Name));
        Assert.IsType<FunctionResultContent>(Assert.Single(model.Requests[1][2].Contents));
    }

    [Fact]
    public async Task StreamingYieldsEachResultAsItsToolFinishes()
    {
        var releaseSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = AIFunctionFactory.Create(async (CancellationToken ct) => { await releaseSlow.Task.WaitAsync(ct); return "slow"; }, "slow");
        var fast = AIFunctionFactory.Create(() => "fast", "fast");
        var model = new ScriptedChatClient().ThenCall(Call("slow", "c1"), Call("fast", "c2")).ThenText("both");
        using var client = new ParleyFunctionInvokingChatClient(model);

        var results = new List<string>();
        await foreach (var update in client.GetStreamingResponseAsync(Ask("x"), With(slow, fast)).WithCancellation(new CancellationTokenSource(Bound).Token))
        {
            foreach (var result in update.Contents.OfType<FunctionResultContent>())
            {
                results.Add((string)result.Result!);
                releaseSlow.TrySetResult(); // the slow tool may finish only after the fast result was seen
            }
        }

        Assert.Equal(["fast", "slow"], results);
        // The history sent back to the model keeps call order.
        Assert.Equal(["c1", "c2"], model.Requests[1][2].Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
    }

    [Fact]
    public async Task StreamingStopsAtTheRoundLimitWithoutDanglingCalls()
    {
        var ping = AIFunctionFactory.Create(() => "pong", "ping");
        var model = new ScriptedChatClient().AlwaysCall(i => Call("ping", $"c{i}"));
        using var client = new ParleyFunctionInvokingChatClient(model, new ToolLoopOptions { MaxRounds = 2 });

        var updates = await Collect(client.GetStreamingResponseAsync(Ask("x"), With(ping)));

        Assert.Equal(3, model.Requests.Count);
        Assert.Equal(2, updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Count());
        Assert.Equal(2, updates.SelectMany(u => u.Contents).OfType<FunctionResultContent>().Count());
        Assert.Equal("Stopped after 2 tool rounds: the model kept asking for tools without giving an answer.", updates[^1].Text);
        Assert.Equal(true, updates[^1].AdditionalProperties?[ParleyFunctionInvokingChatClient.RoundLimitReachedKey]);
        AssertEveryCallAnswered(updates.ToChatResponse().Messages);
    }

    [Fact]
    public async Task CancellationByTheCallerStopsARunningToolAndTheLoop()
    {
        foreach (var streaming in new[] { false, true })
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var observedCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var wait = AIFunctionFactory.Create(async (CancellationToken ct) =>
            {
                started.SetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    observedCancel.SetResult();
                    throw;
                }

                return "never";
            }, "wait");
            var model = new ScriptedChatClient().ThenCall(Call("wait", "c1")).ThenText("unreachable");
            using var client = new ParleyFunctionInvokingChatClient(model);
            using var cts = new CancellationTokenSource();

            Task run = streaming
                ? Collect(client.GetStreamingResponseAsync(Ask("x"), With(wait), cts.Token))
                : client.GetResponseAsync(Ask("x"), With(wait), cts.Token);
            await started.Task.WaitAsync(Bound);
            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Bound));
            await observedCancel.Task.WaitAsync(Bound);
            Assert.Single(model.Requests);
        }
    }

    private static void AssertEveryCallAnswered(IEnumerable<ChatMessage> messages)
    {
        var list = messages.ToList();
        var calls = list.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId).ToList();
        var results = list.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).ToList();
        Assert.Equal(calls, results);
    }

    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        using var bound = new CancellationTokenSource(Bound);
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates.WithCancellation(bound.Token))
            list.Add(update);
        return list;
    }

    private sealed class RawFunction(string name, Func<object?> invoke) : AIFunction
    {
        public override string Name => name;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) =>
            ValueTask.FromResult(invoke());
    }
}
