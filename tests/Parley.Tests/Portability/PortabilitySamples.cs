using System.Text.Json.Nodes;
using Parley.Conversations;
using Parley.Storage;
using Parley.Tests.Support;

namespace Parley.Tests.Portability;

/// <summary>Conversations written straight into a store: branches, tool calls and results, an image, an error, usage and timings.</summary>
internal static class PortabilitySamples
{
    public static async Task<string> SeedRichConversationAsync(IConversationStore store, string owner, string title = "Tools and branches")
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_750_000_000_000);
        var id = Conversation.NewId();
        await store.CreateConversationAsync(new Conversation
        {
            Id = id, Owner = owner, Title = title, HasTitle = true, SystemPrompt = "Answer briefly.", Model = "mock/echo",
            Temperature = 0.3, MaxTokens = 500, Tools = [], CreatedAt = at, UpdatedAt = at.AddMinutes(10),
        });
        var image = Ids.New("i");
        await store.SaveImageAsync(new StoredImage(image, id, "image/png", TestImages.Png));
        var user = Message(id, null, MessageRoles.User, at.AddMinutes(1), new TextPart("What time is it? "), new ImagePart(image, "image/png"));
        var call = Message(id, user.Id, MessageRoles.Assistant, at.AddMinutes(2), new ToolCallPart("call_1", "current_time", """{"zone":"UTC"}""")) with
        {
            Model = "mock/echo", Usage = new TokenUsage(10, 5, 15), Timings = new MessageTimings(12, 40),
        };
        var result = Message(id, call.Id, MessageRoles.Tool, at.AddMinutes(3), new ToolResultPart("call_1", "current_time", "12:00", false));
        var answer = Message(id, result.Id, MessageRoles.Assistant, at.AddMinutes(4), new TextPart("It is noon.")) with { Model = "mock/echo" };
        var failed = Message(id, user.Id, MessageRoles.Assistant, at.AddMinutes(5), new TextPart("Partial")) with
        {
            Status = MessageStatus.Error, Error = new MessageError("provider_unavailable", "The provider failed."),
        };
        var edited = Message(id, null, MessageRoles.User, at.AddMinutes(6), new TextPart("Edited question"));
        var editedAnswer = Message(id, edited.Id, MessageRoles.Assistant, at.AddMinutes(7), new TextPart("Edited answer")) with { Model = "mock/echo" };
        foreach (var m in new[] { user, call, result, answer, failed, edited, editedAnswer })
            await store.AddMessageAsync(m);
        return id;
    }

    private static StoredMessage Message(string conversationId, string? parentId, string role, DateTimeOffset at, params MessagePart[] parts) => new()
    {
        Id = StoredMessage.NewId(), ConversationId = conversationId, ParentId = parentId, Role = role, Parts = parts, CreatedAt = at,
    };

    /// <summary>
    /// A ChatGPT conversations.json with one conversation: a null root, a hidden system node, a user question with an
    /// image, two regenerated answers (the second is on the current_node path), a python tool call and its output.
    /// </summary>
    public static JsonArray ChatGptExport()
    {
        static JsonObject Node(string id, string? parent, string[] children, JsonObject? message) => new()
        {
            ["id"] = id, ["parent"] = parent, ["children"] = new JsonArray([.. children.Select(c => (JsonNode)c)]), ["message"] = message,
        };
        static JsonObject Msg(string id, string role, double time, JsonObject content, string recipient = "all", JsonObject? metadata = null, string? name = null) => new()
        {
            ["id"] = id,
            ["author"] = new JsonObject { ["role"] = role, ["name"] = name, ["metadata"] = new JsonObject() },
            ["create_time"] = time,
            ["update_time"] = null,
            ["content"] = content,
            ["status"] = "finished_successfully",
            ["end_turn"] = true,
            ["weight"] = 1.0,
            ["metadata"] = metadata ?? new JsonObject(),
            ["recipient"] = recipient,
        };
        static JsonObject Text(params string[] parts) => new() { ["content_type"] = "text", ["parts"] = new JsonArray([.. parts.Select(p => (JsonNode)p)]) };

        var mapping = new JsonObject
        {
            ["root"] = Node("root", null, ["sys"], null),
            ["sys"] = Node("sys", "root", ["u1"], Msg("sys", "system", 1_700_000_000, Text(""),
                metadata: new JsonObject { ["is_visually_hidden_from_conversation"] = true })),
            ["u1"] = Node("u1", "sys", ["a1", "a2"], Msg("u1", "user", 1_700_000_010, new JsonObject
            {
                ["content_type"] = "multimodal_text",
                ["parts"] = new JsonArray(
                    new JsonObject { ["content_type"] = "image_asset_pointer", ["asset_pointer"] = "file-service://file-abc", ["size_bytes"] = 1234, ["width"] = 10, ["height"] = 10 },
                    "Plot the squares of 1 to 3"),
            })),
            ["a1"] = Node("a1", "u1", [], Msg("a1", "assistant", 1_700_000_020, Text("First attempt"),
                metadata: new JsonObject { ["model_slug"] = "gpt-4o" })),
            ["a2"] = Node("a2", "u1", ["t1"], Msg("a2", "assistant", 1_700_000_030,
                new JsonObject { ["content_type"] = "code", ["language"] = "python", ["text"] = "print([i*i for i in range(1,4)])" },
                recipient: "python", metadata: new JsonObject { ["model_slug"] = "gpt-4o" })),
            ["t1"] = Node("t1", "a2", ["a3"], Msg("t1", "tool", 1_700_000_031,
                new JsonObject { ["content_type"] = "execution_output", ["text"] = "[1, 4, 9]" }, name: "python")),
            ["a3"] = Node("a3", "t1", [], Msg("a3", "assistant", 1_700_000_040, Text("The squares are 1, 4 and 9."),
                metadata: new JsonObject { ["model_slug"] = "gpt-4o" })),
        };
        return new JsonArray(new JsonObject
        {
            ["title"] = "Squares",
            ["create_time"] = 1_700_000_000.5,
            ["update_time"] = 1_700_000_050.25,
            ["mapping"] = mapping,
            ["moderation_results"] = new JsonArray(),
            ["current_node"] = "a3",
            ["conversation_id"] = "6f1c1d2e-0000-4000-8000-000000000001",
            ["id"] = "6f1c1d2e-0000-4000-8000-000000000001",
        });
    }
}
