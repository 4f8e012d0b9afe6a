using Parley.Limits;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Conversations;
using Parley.Errors;
using Parley.Folders;
using Parley.Providers;
using Parley.Replies;
using Parley.Storage;
using Parley.Tools;

namespace Parley.Api.Conversations;

/// <summary>The stateful conversations API (docs/api.md): CRUD, streamed replies, edit/regenerate branches, cancel.</summary>
public static class ConversationsApi
{
    /// <summary>The surface name this API's calls are recorded under.</summary>
    public const string Surface = "conversations";

    public static RouteGroupBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/conversations").WithTags("Conversations");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update);
        group.MapDelete("/{id}", Delete);
        group.MapDelete("/{id}/messages", Clear);
        group.MapPost("/{id}/messages", Send).Produces(200, contentType: "text/event-stream").WithCallerLimits();
        group.MapPost("/{id}/messages/{messageId}/regenerate", Regenerate).Produces(200, contentType: "text/event-stream").WithCallerLimits();
        group.MapPost("/{id}/cancel", Cancel);
        group.MapGet("/{id}/images/{imageId}", GetImage);
        group.MapAttachments();
        group.MapMessagePages();
        group.MapReplies();
        return group;
    }

    /// <param name="organised">Only pinned conversations and those in a folder.</param>
    public static async Task<Ok<ConversationPageDto>> List(
        HttpContext context, IConversationStore store, IFolderStore folders, int? limit, string? cursor, string? q, bool? organised,
        CancellationToken cancellationToken)
    {
        var owner = Owners.Of(context);
        var page = await store.ListConversationsAsync(owner, new ConversationQuery(limit ?? 50, cursor, q, organised ?? false), cancellationToken);
        // Deleting a folder takes conversations out of it on every store, but a move landing mid-deletion can still name it: that is no folder.
        var known = page.Items.Any(i => i.Conversation.FolderId is not null)
            ? (await folders.ListAsync(owner, cancellationToken)).Select(f => f.Id).ToHashSet(StringComparer.Ordinal)
            : [];
        return TypedResults.Ok(new ConversationPageDto([.. page.Items.Select(i => ConversationMapping.ToSummary(i, known))], page.NextCursor));
    }

    public static async Task<Created<ConversationDto>> Create(
        HttpContext context, CreateConversationRequest? body, IConversationStore store, ModelCatalog models, ToolCatalog tools, TimeProvider time,
        ConversationFeed feed, CancellationToken cancellationToken)
    {
        var conversation = NewConversation(Parley.Conversations.Conversation.NewId(), Owners.Of(context), body, models, tools, time);
        await store.CreateConversationAsync(conversation, cancellationToken);
        feed.Publish(conversation.Owner, new ConversationNotice("conversation_created", conversation.Id, Title: conversation.Title));
        return TypedResults.Created($"/api/conversations/{conversation.Id}", ConversationMapping.ToDto(conversation, []));
    }

    /// <summary>A new conversation with the settings a create request chose (validated, naming the field at fault).</summary>
    internal static Parley.Conversations.Conversation NewConversation(
        string id, string owner, CreateConversationRequest? body, ModelCatalog models, ToolCatalog tools, TimeProvider time)
    {
        body ??= new CreateConversationRequest(null, null, null, null, null);
        var model = body.Model is null ? null : models.Resolve(body.Model).Id;
        Validate(body.Temperature, body.MaxTokens);
        var chosenTools = body.Tools is null ? null : tools.RequireKnown(body.Tools);
        var now = time.UtcNowStored();
        return new Parley.Conversations.Conversation
        {
            Id = id,
            Owner = owner,
            Title = string.IsNullOrWhiteSpace(body.Title) ? "New chat" : body.Title.Trim(),
            HasTitle = !string.IsNullOrWhiteSpace(body.Title),
            Model = model,
            SystemPrompt = body.SystemPrompt,
            Temperature = body.Temperature,
            MaxTokens = body.MaxTokens,
            Tools = chosenTools,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static async Task<Ok<ConversationDto>> Get(HttpContext context, string id, IConversationStore store, CancellationToken cancellationToken)
    {
        var conversation = await Require(store, context, id, cancellationToken);
        var messages = await store.GetMessagesAsync(id, cancellationToken);
        return TypedResults.Ok(ConversationMapping.ToDto(conversation, messages));
    }

    public static async Task<Ok<ConversationDto>> Update(
        HttpContext context, string id, UpdateConversationRequest body, IConversationStore store, IFolderStore folders, ModelCatalog models,
        ToolCatalog tools, TimeProvider time, ConversationFeed feed, CancellationToken cancellationToken)
    {
        var conversation = await Require(store, context, id, cancellationToken);
        var before = conversation;
        var organisation = await OrganisationAsync(body, conversation.Owner, folders, cancellationToken);
        if (Present(body.SelectedLeafId))
            conversation = conversation with { SelectedLeafId = await SelectedLeafAsync(store, id, body.SelectedLeafId, cancellationToken) };
        if (Present(body.Title))
        {
            var title = body.Title.ValueKind == JsonValueKind.String ? body.Title.GetString()!.Trim() : "";
            if (title.Length is 0 or > 200)
                throw new ParleyException(ErrorCodes.InvalidRequest, 400, "A title must be 1 to 200 characters.");
            conversation = conversation with { Title = title, HasTitle = true };
        }
        if (Present(body.Model))
            conversation = conversation with { Model = String(body.Model, "model") is { } m ? models.Resolve(m).Id : null };
        if (Present(body.SystemPrompt))
            conversation = conversation with { SystemPrompt = String(body.SystemPrompt, "systemPrompt") };
        if (Present(body.Temperature))
            conversation = conversation with { Temperature = Number(body.Temperature, "temperature") };
        if (Present(body.MaxTokens))
            conversation = conversation with { MaxTokens = Number(body.MaxTokens, "maxTokens") is { } n ? (int)n : null };
        if (Present(body.Tools))
            conversation = conversation with { Tools = ToolNames(body.Tools, tools) };
        Validate(conversation.Temperature, conversation.MaxTokens);

        // Choosing a branch to look at is not activity: the conversation keeps its place in the list.
        var onlySelection = conversation with { SelectedLeafId = before.SelectedLeafId } == before;
        if (!onlySelection)
            conversation = conversation with { UpdatedAt = time.UtcNowStored() };
        // Only a change of settings writes them: a pin or a move alone must not write back the settings read above,
        // which would undo a rename that landed in between.
        if (conversation != before && !await store.UpdateConversationAsync(conversation, cancellationToken))
            throw NotFound(id);
        if (organisation.Pinned is { } pinned)
        {
            if (!await store.SetPinnedAsync(conversation.Owner, id, pinned, cancellationToken))
                throw NotFound(id);
            conversation = conversation with { Pinned = pinned };
        }
        if (organisation.MovesFolder)
        {
            if (!await store.MoveToFolderAsync(conversation.Owner, id, organisation.FolderId, cancellationToken))
                throw await store.GetConversationAsync(conversation.Owner, id, cancellationToken) is null ? NotFound(id) : Api.Folders.FoldersApi.NotFound(organisation.FolderId!);
            conversation = conversation with { FolderId = organisation.FolderId };
        }
        if (!onlySelection || organisation.Pinned is not null || organisation.MovesFolder)
            feed.Publish(conversation.Owner, new ConversationNotice("conversation_updated", id, Title: conversation.Title));
        var messages = await store.GetMessagesAsync(id, cancellationToken);
        return TypedResults.Ok(ConversationMapping.ToDto(conversation, messages, includeMessages: false));
    }

    public static async Task<NoContent> Delete(
        HttpContext context, string id, IConversationStore store, ActiveReplies active, ConversationFeed feed, CancellationToken cancellationToken)
    {
        // Ownership first: stopping a reply is an effect, and another user's conversation must look absent.
        await Require(store, context, id, cancellationToken);
        active.Cancel(id);
        if (!await store.DeleteConversationAsync(Owners.Of(context), id, cancellationToken))
            throw NotFound(id);
        feed.Publish(Owners.Of(context), new ConversationNotice("conversation_deleted", id));
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> Clear(
        HttpContext context, string id, IConversationStore store, ActiveReplies active, ConversationFeed feed, CancellationToken cancellationToken)
    {
        await Require(store, context, id, cancellationToken);
        active.Cancel(id);
        await store.ClearMessagesAsync(id, cancellationToken);
        feed.Publish(Owners.Of(context), new ConversationNotice("conversation_updated", id));
        return TypedResults.NoContent();
    }

    /// <summary>Starts the reply as a job and streams its event log; the reply goes on if the client leaves (resume it with <see cref="RepliesApi.Events"/>).</summary>
    public static async Task Send(HttpContext context, string id, SendMessageRequest body, ConversationEngine engine, ReplyJobs jobs, ReplyEventLog log)
    {
        var hasParent = body.ParentId.ValueKind is JsonValueKind.String or JsonValueKind.Null;
        var parentId = body.ParentId.ValueKind == JsonValueKind.String ? RequestJson.Text(body.ParentId, "parentId") : null;
        var send = new SendMessage(body.Content ?? "", body.Images ?? [], parentId, hasParent, body.Model,
            NoCache: Cache.CacheApi.OptsOut(context.Request), Attachments: body.Attachments);
        var prepared = await engine.PrepareSendAsync(Callers.Of(context, Surface), id, send, context.RequestAborted);
        await Stream(context, jobs, log, prepared);
    }

    public static async Task Regenerate(
        HttpContext context, string id, string messageId, RegenerateRequest? body, ConversationEngine engine, ReplyJobs jobs, ReplyEventLog log)
    {
        var prepared = await engine.PrepareRegenerateAsync(Callers.Of(context, Surface), id, messageId, body?.Model, context.RequestAborted);
        await Stream(context, jobs, log, prepared);
    }

    private static async Task Stream(HttpContext context, ReplyJobs jobs, ReplyEventLog log, PreparedReply prepared)
    {
        var key = jobs.Start(prepared);
        await ConversationStream.WriteAsync(context, log, key, after: 0);
    }

    public static async Task<Accepted> Cancel(HttpContext context, string id, IConversationStore store, ActiveReplies active, CancellationToken cancellationToken)
    {
        await Require(store, context, id, cancellationToken);
        active.Cancel(id);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<FileContentHttpResult> GetImage(
        HttpContext context, string id, string imageId, IConversationStore store, CancellationToken cancellationToken)
    {
        await Require(store, context, id, cancellationToken);
        var image = await store.GetImageAsync(id, imageId, cancellationToken) is { } found && ImageInput.AllowedTypes.Contains(found.MediaType)
            ? found
            : throw new ParleyException(ErrorCodes.InvalidRequest, 404, $"There is no image '{imageId}' in this conversation.");
        context.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return TypedResults.File(image.Data, image.MediaType);
    }

    internal static async Task<Parley.Conversations.Conversation> Require(IConversationStore store, HttpContext context, string id, CancellationToken cancellationToken) =>
        await store.GetConversationAsync(Owners.Of(context), id, cancellationToken) ?? throw NotFound(id);

    private static ParleyException NotFound(string id) =>
        new(ErrorCodes.ConversationNotFound, 404, $"There is no conversation '{id}'.");

    private static async Task<string?> SelectedLeafAsync(IConversationStore store, string id, JsonElement element, CancellationToken cancellationToken)
    {
        if (String(element, "selectedLeafId") is not { } leaf)
            return null;
        var messages = await store.GetMessagesAsync(id, cancellationToken);
        return messages.Any(m => m.Id == leaf)
            ? leaf
            : throw new ParleyException(ErrorCodes.MessageNotFound, 404, $"'selectedLeafId': there is no message '{leaf}' in this conversation.");
    }

    /// <summary>The pin and folder a PATCH asks for, validated before anything changes; the folder must be the owner's (else 404).</summary>
    private static async Task<(bool? Pinned, bool MovesFolder, string? FolderId)> OrganisationAsync(
        UpdateConversationRequest body, string owner, IFolderStore folders, CancellationToken cancellationToken)
    {
        bool? pinned = body.Pinned.ValueKind switch
        {
            JsonValueKind.Undefined => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'pinned' must be true or false."),
        };
        if (!Present(body.FolderId))
            return (pinned, false, null);
        var folderId = body.FolderId.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String when body.FolderId.GetString() is { Length: > 0 and <= 100 } s => s,
            _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400, "'folderId' must be the id of one of your folders, or null for none."),
        };
        if (folderId is not null && await folders.GetAsync(owner, folderId, cancellationToken) is null)
            throw Api.Folders.FoldersApi.NotFound(folderId);
        return (pinned, true, folderId);
    }

    private static bool Present(JsonElement element) => element.ValueKind != JsonValueKind.Undefined;

    private static string? String(JsonElement element, string name) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => element.GetString() is { Length: > 0 } s ? s : null,
        _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"'{name}' must be a string or null."),
    };

    private static double? Number(JsonElement element, string name) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => element.GetDouble(),
        _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"'{name}' must be a number or null."),
    };

    private static IReadOnlyList<string>? ToolNames(JsonElement element, ToolCatalog tools) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            tools.RequireKnown(element.EnumerateArray().Select(e => e.GetString())),
        _ => throw new ParleyException(ErrorCodes.InvalidRequest, 400,
            "'tools' must be an array of tool names (see GET /api/tools), [] for none, or null for the server's defaults."),
    };

    private static void Validate(double? temperature, int? maxTokens)
    {
        if (temperature is < 0 or > 2)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "temperature must be between 0 and 2.");
        if (maxTokens is < 1 or > 1_000_000)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "maxTokens must be between 1 and 1,000,000.");
    }
}
