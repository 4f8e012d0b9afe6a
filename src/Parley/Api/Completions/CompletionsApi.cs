using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Errors;
using Parley.Limits;
using Parley.Streaming;
using Parley.Usage;
using static Parley.Api.WireJson;

namespace Parley.Api.Completions;

/// <summary>
/// OpenAI's legacy <c>POST /v1/completions</c> (editor autocompletion tools use it), translated over the engine: each
/// prompt becomes one chat turn that asks the model to continue the text, answered as <c>text_completion</c> choices
/// (one per prompt) or streamed chunks. <c>suffix</c> (fill-in-the-middle) needs a provider's native completions endpoint,
/// which the translate path does not have, so it is refused with a 400 rather than ignored.
/// </summary>
public static class CompletionsApi
{
    private const string ContinueInstruction =
        "Continue the text the user sends, exactly where it stops. Reply with the continuation only: no preamble, no quotes, no repetition of the text.";

    private const int MaxPrompts = 16;

    private static readonly HashSet<string> Known =
    [
        "model", "prompt", "suffix", "max_tokens", "temperature", "top_p", "n", "stream", "stream_options", "stop", "echo", "logprobs",
        "best_of", "presence_penalty", "frequency_penalty", "seed", "user", "logit_bias",
    ];

    public static RouteGroupBuilder MapCompletionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("OpenAI-compatible");
        group.MapPost("/completions", CreateCompletion)
            .Accepts<JsonElement>("application/json")
            .Produces(200, contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .WithCallerLimits();
        return group;
    }

    public static async Task CreateCompletion(HttpContext context, JsonElement body, ChatRunner runner, TurnFactory turns)
    {
        var caller = Callers.Of(context, "completions");
        RequireObject(body, "body");
        RefuseUnknown(body, Known, "completions API");
        var prompts = Prompts(body);
        var model = turns.ResolveModel(RequireString(body, "model", ""), caller);
        if (String(body, "suffix", "") is { Length: > 0 })
            throw Invalid("suffix", $"(fill-in-the-middle) is not supported by {model.Id}: Parley translates /v1/completions into chat, which has no suffix. Send the prompt without it");
        Integer(body, "n", "", 1, 1);
        Integer(body, "best_of", "", 1, 1);
        if (body.TryGetProperty("logprobs", out var logprobs) && logprobs.ValueKind is not (JsonValueKind.Null or JsonValueKind.False))
            throw Invalid("logprobs", "is not supported: Parley's providers return no log probabilities through this API");
        if (body.TryGetProperty("logit_bias", out var bias) && bias.ValueKind == JsonValueKind.Object && bias.EnumerateObject().Any())
            throw Invalid("logit_bias", "is not supported by the translate path");
        var echo = Bool(body, "echo", "") ?? false;
        var options = new ChatOptions
        {
            MaxOutputTokens = Integer(body, "max_tokens", "", min: 1),
            Temperature = (float?)Number(body, "temperature", "", 0, 2),
            TopP = (float?)Number(body, "top_p", "", 0, 1),
            PresencePenalty = (float?)Number(body, "presence_penalty", "", -2, 2),
            FrequencyPenalty = (float?)Number(body, "frequency_penalty", "", -2, 2),
            Seed = Integer(body, "seed", ""),
            StopSequences = Stops(body),
        };
        String(body, "user", "");
        var stream = Bool(body, "stream", "") ?? false;
        var includeUsage = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object && Bool(so, "include_usage", "stream_options") is true;
        var id = $"cmpl-{Guid.NewGuid():N}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        if (!stream)
        {
            var choices = new JsonArray();
            var usage = UsageTokens.Of(0, 0);
            var answeredBy = model.Id;
            for (var i = 0; i < prompts.Count; i++)
            {
                var response = await runner.CompleteAsync(Turn(model, caller, prompts[i], options, context), context.RequestAborted);
                answeredBy = response.AnsweredBy() ?? answeredBy;
                if (response.Usage is { } u)
                    usage = usage.Plus(u);
                choices.Add(Choice(i, (echo ? prompts[i] : "") + response.Text, FinishReason(response.FinishReason?.Value)));
            }
            await context.Response.WriteAsJsonAsync(Completion(id, created, answeredBy, choices, usage), context.RequestAborted);
            return;
        }

        using var sse = SseWriter.Begin(context);
        var total = UsageTokens.Of(0, 0);
        for (var i = 0; i < prompts.Count; i++)
        {
            string? finish = null;
            var answeredBy = model.Id;
            if (echo)
                await ChunkAsync(sse, Completion(id, created, answeredBy, [Choice(i, prompts[i], null)], null), context.RequestAborted);
            await foreach (var chatEvent in runner.StreamAsync(Turn(model, caller, prompts[i], options, context), context.RequestAborted))
            {
                switch (chatEvent)
                {
                    case TextDelta text:
                        await ChunkAsync(sse, Completion(id, created, answeredBy, [Choice(i, text.Text, null)], null), context.RequestAborted);
                        break;
                    case UsageReported reported:
                        total = total.Plus(reported.Usage);
                        break;
                    case ReplyFinished finished:
                        finish = FinishReason(finished.FinishReason);
                        answeredBy = finished.ModelId;
                        break;
                    case ReplyFailed failed when !sse.Started:
                        throw new ParleyException(failed.Code, failed.Status, failed.Message);
                    case ReplyFailed failed:
                        await sse.WriteAsync(w => JsonSerializer.Serialize(w, OpenAI.OpenAIErrors.Body(failed.Code, failed.Message, failed.Status)), context.RequestAborted);
                        await sse.WriteDoneAsync(context.RequestAborted);
                        return;
                }
            }
            if (context.RequestAborted.IsCancellationRequested)
                return;
            await ChunkAsync(sse, Completion(id, created, answeredBy, [Choice(i, "", finish ?? "stop")], null), context.RequestAborted);
        }
        if (includeUsage)
            await ChunkAsync(sse, Completion(id, created, model.Id, [], total), context.RequestAborted);
        await sse.WriteDoneAsync(context.RequestAborted);
    }

    private static ChatTurn Turn(Providers.ModelEntry model, Parley.Usage.Caller caller, string prompt, ChatOptions options, HttpContext context)
    {
        var turn = new ChatTurn(model, [new ChatMessage(ChatRole.System, ContinueInstruction), new ChatMessage(ChatRole.User, prompt)], options.Clone(), caller);
        Cache.CacheApi.ApplyTo(context.Request, turn.Options);
        return turn;
    }

    private static List<string> Prompts(JsonElement body)
    {
        if (!body.TryGetProperty("prompt", out var prompt))
            throw Invalid("prompt", "is required");
        List<string> prompts = prompt.ValueKind switch
        {
            JsonValueKind.String => [prompt.GetString()!],
            JsonValueKind.Array when prompt.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String) => [.. prompt.EnumerateArray().Select(p => p.GetString()!)],
            JsonValueKind.Array => throw Invalid("prompt", "must be a string or an array of strings (token-id prompts are not supported)"),
            _ => throw Invalid("prompt", "must be a string or an array of strings"),
        };
        return prompts.Count is > 0 and <= MaxPrompts ? prompts : throw Invalid("prompt", $"must hold between 1 and {MaxPrompts} prompts");
    }

    private static List<string>? Stops(JsonElement body) =>
        !body.TryGetProperty("stop", out var stop) ? null : stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array when stop.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) => [.. stop.EnumerateArray().Select(s => s.GetString()!)],
            JsonValueKind.Null => null,
            _ => throw Invalid("stop", "must be a string or an array of strings"),
        };

    private static string FinishReason(string? reason) => reason is "length" or "content_filter" ? reason : "stop";

    private static JsonObject Choice(int index, string text, string? finishReason) => new()
    {
        ["text"] = text, ["index"] = index, ["logprobs"] = null, ["finish_reason"] = finishReason,
    };

    private static JsonObject Completion(string id, long created, string model, JsonArray choices, UsageDetails? usage)
    {
        var completion = new JsonObject
        {
            ["id"] = id, ["object"] = "text_completion", ["created"] = created, ["model"] = model, ["choices"] = choices,
        };
        if (usage is not null)
            completion["usage"] = OpenAI.OpenAIUsageJson.ToJson(usage);
        return completion;
    }

    private static ValueTask ChunkAsync(SseWriter sse, JsonObject chunk, CancellationToken cancellationToken) =>
        sse.WriteAsync(w => chunk.WriteTo(w), cancellationToken);
}
