using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Parley.Chat;
using Parley.Configuration;
using Parley.Limits;
using Parley.Providers;
using Parley.Streaming;

namespace Parley.Api.OpenAI;

/// <summary>
/// The OpenAI-compatible surface: any OpenAI client works against <c>/v1</c> unchanged. It is a
/// pass-through: the client's messages and tools go to the model as sent (no trimming, no Parley tools); only the
/// model can change, to <c>VISION_MODEL</c> when the messages hold images the chosen model cannot see.
/// </summary>
public static class OpenAIApi
{
    public static RouteGroupBuilder MapOpenAIApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("OpenAI-compatible");
        group.MapGet("/models", ListModels);
        group.MapPost("/chat/completions", ChatCompletions)
            .Accepts<JsonElement>("application/json")
            .Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .Produces(429)
            .WithCallerLimits();
        return group;
    }

    public static IResult ListModels(ModelCatalog catalog)
    {
        var data = catalog.Listed.Select(m => new
        {
            id = m.Id,
            @object = "model",
            created = 0,
            owned_by = m.Provider,
            display_name = m.DisplayName,
            is_default = m.Id == catalog.Default.Id,
            is_mock = m.IsMock,
            vision = m.Vision,
        }).ToList<object>();
        data.AddRange(catalog.Aliases.Select(a => new { id = a.Key, @object = "model", created = 0, owned_by = "alias", alias_of = a.Value }));
        return Results.Json(new { @object = "list", data });
    }

    public static async Task ChatCompletions(
        HttpContext context, JsonElement body, ChatRunner runner, TurnFactory turns, IOptions<ParleyOptions> options, Documents.FileParts files)
    {
        var caller = Callers.Of(context, "v1");
        var request = OpenAIChatRequest.Parse(body, options.Value.MaxImageBytes);
        await files.ExpandAsync(request.Messages, context.RequestAborted);
        var model = turns.ResolveModel(request.Model, caller, VisionRouting.HasImages(request.Messages));
        var turn = new ChatTurn(model, request.Messages, request.Options, caller);
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);
        var completionId = $"chatcmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        if (!request.Stream)
        {
            var response = await runner.CompleteAsync(turn, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(OpenAICompletionJson.Completion(response, completionId, created, Resilience.ResilientChatClient.AnsweredBy(response.AdditionalProperties) ?? model.Id), context.RequestAborted);
            return;
        }

        using var sse = SseWriter.Begin(context);
        var writer = new OpenAIChunkWriter(sse, completionId, created, model.Id, request.IncludeUsage, context.RequestAborted);
        await foreach (var chatEvent in runner.StreamAsync(turn, context.RequestAborted))
            await writer.WriteAsync(chatEvent);
        await writer.FinishAsync();
    }
}
