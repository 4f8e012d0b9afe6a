using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Parley.Embeddings;
using Parley.Errors;
using Parley.Limits;
using Parley.Observability;
using Parley.Usage;
using static Parley.Api.WireJson;

namespace Parley.Api.Embeddings;

/// <summary>
/// OpenAI's <c>POST /v1/embeddings</c>: <c>input</c> as a string, strings or token arrays (decoded with cl100k_base, the
/// encoding of OpenAI's embedding models), <c>encoding_format</c> float or base64, <c>dimensions</c>, <c>user</c>. Keys,
/// model access, limits and usage apply as on chat: the caller's limits filter, <c>model_not_allowed</c>, and a usage record
/// whose tokens count against the daily budget.
/// </summary>
public static class EmbeddingsApi
{
    /// <summary>OpenAI's own bound on inputs per request.</summary>
    public const int MaxInputs = 2048;

    private static void Record(UsageRecorder usage, Caller caller, string model, int promptTokens, long started, DateTimeOffset at, string outcome) =>
        usage.Record(caller, model, model, Parley.Usage.UsageTokens.Of(promptTokens, 0), cached: false, at,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, timeToFirstTokenMs: null, outcome);

    private static readonly HashSet<string> Known = ["model", "input", "encoding_format", "dimensions", "user"];
    private static readonly Lazy<Microsoft.ML.Tokenizers.Tokenizer> Cl100k = new(() => Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    public static RouteGroupBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("OpenAI-compatible");
        group.MapPost("/embeddings", CreateEmbeddings).Accepts<JsonElement>("application/json").WithCallerLimits();
        return group;
    }

    public static async Task<IResult> CreateEmbeddings(
        HttpContext context, JsonElement body, EmbeddingModels models, ParleyMetrics metrics, UsageRecorder usage, IUserLimiter limiter)
    {
        var caller = Callers.Of(context, "embeddings");
        RequireObject(body, "body");
        RefuseUnknown(body, Known, "embeddings API");
        var model = models.Resolve(RequireString(body, "model", ""));
        Parley.Identity.ModelAccess.Ensure(caller.AllowedModels, model, caller.KeyId);
        var inputs = Inputs(body);
        var format = String(body, "encoding_format", "") ?? "float";
        if (format is not ("float" or "base64"))
            throw Invalid("encoding_format", "must be 'float' or 'base64'");
        var dimensions = Integer(body, "dimensions", "", min: 1);
        if (model.IsMock && dimensions > MockEmbeddingGenerator.Dimensions)
            throw Invalid("dimensions", $"must be at most {MockEmbeddingGenerator.Dimensions} for {model.Id}");
        String(body, "user", "");

        var tokens = inputs.Sum(i => Cl100k.Value.CountTokens(i));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var at = DateTimeOffset.UtcNow;
        GeneratedEmbeddings<Embedding<float>> embeddings;
        try
        {
            embeddings = await models.Get(model).GenerateAsync(inputs, new EmbeddingGenerationOptions { Dimensions = dimensions }, context.RequestAborted);
        }
        catch (Exception ex) when (Providers.OpenAI.OpenAIErrors.Map(model.Provider, ex, replyStarted: false, context.RequestAborted) is { } mapped)
        {
            Record(usage, caller, model.Id, 0, started, at, mapped.Code);
            throw mapped;
        }
        var promptTokens = (int)(embeddings.Usage?.InputTokenCount ?? tokens);
        Record(usage, caller, model.Id, promptTokens, started, at, "ok");
        await limiter.ChargeTokensAsync(caller, promptTokens);

        var data = new JsonArray();
        for (var i = 0; i < embeddings.Count; i++)
        {
            var vector = embeddings[i].Vector;
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = format == "base64"
                    ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.Span))
                    : new JsonArray([.. vector.ToArray().Select(v => (JsonNode)JsonValue.Create(v))]),
            });
        }
        return Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = model.Id,
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["total_tokens"] = promptTokens },
        });
    }

    private static List<string> Inputs(JsonElement body)
    {
        if (!body.TryGetProperty("input", out var input))
            throw Invalid("input", "is required");
        List<string> inputs = input.ValueKind switch
        {
            JsonValueKind.String => [input.GetString()!],
            JsonValueKind.Array when input.GetArrayLength() > 0 && input[0].ValueKind == JsonValueKind.Number => [Decode(input, "input")],
            JsonValueKind.Array => [.. input.EnumerateArray().Select((item, i) => item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Array => Decode(item, $"input[{i}]"),
                _ => throw Invalid($"input[{i}]", "must be a string or an array of token ids"),
            })],
            _ => throw Invalid("input", "must be a string, an array of strings, or an array of token arrays"),
        };
        if (inputs.Count is 0 or > MaxInputs)
            throw Invalid("input", $"must hold between 1 and {MaxInputs} inputs");
        if (inputs.Any(i => i.Length == 0))
            throw Invalid("input", "must not contain empty strings");
        return inputs;
    }

    private static string Decode(JsonElement tokens, string where)
    {
        var ids = new List<int>(tokens.GetArrayLength());
        foreach (var token in tokens.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Number || !token.TryGetInt32(out var id) || id < 0 || id > 100_255)
                throw Invalid(where, "must hold cl100k_base token ids (integers from 0 to 100255)");
            ids.Add(id);
        }
        return Cl100k.Value.Decode(ids) ?? throw Invalid(where, "could not be decoded");
    }
}
