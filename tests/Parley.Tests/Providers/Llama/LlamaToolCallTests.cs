using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Errors;
using OpenAI;
using OpenAI.Chat;
using Parley.Providers.Llama;
using Parley.Tests.Support;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatFinishReason = Microsoft.Extensions.AI.ChatFinishReason;

namespace Parley.Tests.Providers.Llama;

/// <summary>
/// Tool calls with a local model: offered in the template family's syntax, read back from the reply, and enforced with
/// a grammar when the request requires one (the test model has never seen a tool call, so only the grammar makes it write one).
/// </summary>
public sealed class LlamaToolCallTests : IDisposable
{
    private static readonly AIFunctionDeclaration Weather = AIFunctionFactory.CreateDeclaration("get_weather", "The weather in a city",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["C","F"]}},"required":["city"]}""").RootElement);

    private static readonly AIFunctionDeclaration Time = AIFunctionFactory.CreateDeclaration("current_time", "The time now",
        JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement);

    private readonly List<LlamaModel> _models = [];

    private LlamaChatClient Client(string template)
    {
        var model = new LlamaModel("llama", TestModel.Path, new LlamaOptions { ContextSize = 2048, Threads = 1, ChatTemplate = template }, NullLogger.Instance);
        _models.Add(model);
        return new LlamaChatClient(model, "stories260K");
    }

    [Theory]
    [InlineData("chatml")]
    [InlineData("llama3")]
    public async Task A_required_call_is_a_well_formed_call_to_an_offered_tool(string template)
    {
        using var client = Client(template);
        var response = await client.GetResponseAsync([new(ChatRole.User, "What is the weather in Paris?")],
            new ChatOptions { Tools = [Weather, Time], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 400, Seed = 3 });

        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Contains(call.Name, new[] { "get_weather", "current_time" });
        Assert.StartsWith("call_", call.CallId, StringComparison.Ordinal);
        Assert.All(call.Arguments!.Keys, k => Assert.Contains(k, call.Name == "get_weather" ? new[] { "city", "unit" } : Array.Empty<string>()));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("", response.Text);
    }

    [Fact]
    public async Task Requiring_one_tool_by_name_calls_that_tool()
    {
        using var client = Client("chatml");
        for (var seed = 1; seed <= 3; seed++)
        {
            var response = await client.GetResponseAsync([new(ChatRole.User, "Tell me something")],
                new ChatOptions { Tools = [Weather, Time], ToolMode = ChatToolMode.RequireSpecific("current_time"), MaxOutputTokens = 100, Seed = seed });
            var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
            Assert.Equal("current_time", call.Name);
            Assert.Empty(call.Arguments!);
        }
    }

    [Fact]
    public async Task The_prompt_describes_the_tools_and_writes_calls_and_results_in_the_templates_syntax()
    {
        var model = new LlamaModel("llama", TestModel.Path, new LlamaOptions { ContextSize = 2048, Threads = 1, ChatTemplate = "chatml" }, NullLogger.Instance);
        _models.Add(model);
        var format = (await model.LoadAsync(CancellationToken.None)).Format;
        ChatMessage[] history =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Weather in Paris?"),
            new(ChatRole.Assistant, [new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "18 C and sunny")]),
        ];

        var prompt = format.Format(history, [Weather]);

        Assert.Equal("hermes", format.ToolSyntax!.Name);
        Assert.StartsWith("<|im_start|>system\nBe brief.\n\n# Tools", prompt, StringComparison.Ordinal);
        Assert.Contains("<tools>\n{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"The weather in a city\",\"parameters\":{\"type\":\"object\"", prompt, StringComparison.Ordinal);
        Assert.Contains("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\":\"Paris\"}}\n</tool_call><|im_end|>", prompt, StringComparison.Ordinal);
        Assert.Contains("<|im_start|>user\n<tool_response>\n18 C and sunny\n</tool_response><|im_end|>", prompt, StringComparison.Ordinal);
        Assert.EndsWith("<|im_start|>assistant\n", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_template_without_tool_calls_refuses_a_required_call_and_answers_in_text_when_a_call_is_only_allowed()
    {
        using var client = Client("plain");
        var refused = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync([new(ChatRole.User, "Weather?")],
            new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 10 }));
        Assert.Equal(400, refused.Status);
        Assert.Contains("tool_choice", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'plain'", refused.Message, StringComparison.Ordinal);

        var withTools = await client.GetResponseAsync([new(ChatRole.User, "Once upon a time")],
            new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.Auto, MaxOutputTokens = 20, Seed = 5 });
        var without = await client.GetResponseAsync([new(ChatRole.User, "Once upon a time")], new ChatOptions { MaxOutputTokens = 20, Seed = 5 });
        Assert.Equal(without.Text, withTools.Text);
        Assert.Equal(without.Usage!.InputTokenCount, withTools.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Through_chat_completions_a_required_call_round_trips_with_the_OpenAI_SDK()
    {
        var settings = TestModel.Settings();
        settings["Parley:Providers:llama:Llama:ChatTemplate"] = "chatml";
        settings["Parley:Providers:llama:Llama:ContextSize"] = "2048";
        await using var server = await ParleyTestServer.StartAsync(settings);
        var sdk = new ChatClient("llama/stories260K", new System.ClientModel.ApiKeyCredential("unused"),
            new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather in a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        List<global::OpenAI.Chat.ChatMessage> messages = [new UserChatMessage("What is the weather in Paris?")];

        var first = (await sdk.CompleteChatAsync(messages, new ChatCompletionOptions
        {
            Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice(), MaxOutputTokenCount = 300,
        })).Value;

        Assert.Equal(global::OpenAI.Chat.ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        using (var arguments = JsonDocument.Parse(call.FunctionArguments))
            Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
        Assert.True(first.Usage.OutputTokenCount > 5);

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, ChatMessageContentPart.CreateTextPart("18 C and sunny")));
        var second = (await sdk.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { tool }, MaxOutputTokenCount = 12 })).Value;

        Assert.Empty(second.ToolCalls);
        Assert.NotEmpty(second.Content);
        Assert.True(second.Usage.InputTokenCount > first.Usage.InputTokenCount, "the call and its result are part of the second prompt");
    }

    [Theory]
    [InlineData(new[] { "Let me check. <to", "ol_call>\n{\"name\": \"get_weather\", ", "\"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>" }, "Let me check. ", "get_weather", "Oslo")]
    [InlineData(new[] { "I think <", "b>bold</b> text" }, "I think <b>bold</b> text", null, null)]
    [InlineData(new[] { "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": [1]}\n</tool_call>" }, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": [1]}\n</tool_call>", null, null)]
    public void Hermes_calls_are_split_from_the_text_as_it_streams(string[] pieces, string text, string? name, string? city)
    {
        var reader = new ToolCallReader(HermesToolSyntax.Instance);
        var shown = string.Concat(pieces.Select(reader.Push));
        var (rest, calls) = reader.Finish();

        Assert.Equal(text, shown + rest);
        if (name is null)
        {
            Assert.Empty(calls);
            return;
        }
        var call = Assert.Single(calls);
        Assert.Equal(name, call.Name);
        Assert.Equal(city, ((JsonElement)call.Arguments!["city"]!).GetString());
    }

    [Theory]
    [InlineData(new[] { " ", " {\"name\": \"get_weather\", \"para", "meters\": {\"city\": \"Rome\"}}" }, "", "get_weather")]
    [InlineData(new[] { "Hello {name}", ", how are you?" }, "Hello {name}, how are you?", null)]
    [InlineData(new[] { "{not json" }, "{not json", null)]
    public void Llama3_calls_are_a_reply_that_is_one_json_call(string[] pieces, string text, string? name)
    {
        var reader = new ToolCallReader(Llama3ToolSyntax.Instance);
        var shown = string.Concat(pieces.Select(reader.Push));
        var (rest, calls) = reader.Finish();

        Assert.Equal(text, shown + rest);
        Assert.Equal(name, calls.SingleOrDefault()?.Name);
    }

    public void Dispose()
    {
        foreach (var model in _models)
            model.Dispose();
    }
}
