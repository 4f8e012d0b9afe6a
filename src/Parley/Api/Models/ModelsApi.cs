using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Parley.Embeddings;
using Parley.Errors;
using Parley.Identity;
using Parley.Providers;

namespace Parley.Api.Models;

/// <summary>
/// <c>GET /v1/models</c> (the chat and embedding models and aliases the caller's key may use) and
/// <c>GET /v1/models/{id}</c> (ids with a slash raw or URL-encoded: <c>mock/echo</c>, <c>mock%2Fecho</c>), in OpenAI's
/// shape, or Anthropic's when the client sends <c>anthropic-version</c>.
/// </summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/models").WithTags("OpenAI-compatible");
        group.MapGet("", ListModels);
        group.MapGet("/{**id}", GetModel);
        return group;
    }

    public static IResult ListModels(HttpContext context, ModelCatalog catalog, EmbeddingModels embeddings)
    {
        var caller = Callers.Of(context, "models");
        var models = Visible(catalog, embeddings, caller).ToList();
        if (IsAnthropic(context))
        {
            return Results.Json(new JsonObject
            {
                ["data"] = new JsonArray([.. models.Select(m => (JsonNode)Anthropic(m.Id, m.Display))]),
                ["has_more"] = false,
                ["first_id"] = models.FirstOrDefault().Id,
                ["last_id"] = models.LastOrDefault().Id,
            });
        }
        return Results.Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray([.. models.Select(m => (JsonNode)m.Json)]) });
    }

    public static IResult GetModel(HttpContext context, string id, ModelCatalog catalog, EmbeddingModels embeddings)
    {
        var caller = Callers.Of(context, "models");
        var name = Uri.UnescapeDataString(id);
        var model = Visible(catalog, embeddings, caller).FirstOrDefault(m => string.Equals(m.Id, name, StringComparison.OrdinalIgnoreCase));
        if (model.Json is null)
        {
            var entry = TryResolve(catalog, name);
            if (entry is not null && Allowed(caller, entry.Id))
                model = (entry.Id, entry.DisplayName, Describe(entry, catalog, kind: "chat"));
        }
        if (model.Json is null)
            throw new ParleyException(ErrorCodes.ModelNotFound, 404, $"The model '{name}' does not exist or this key may not use it.");
        return Results.Json(IsAnthropic(context) ? Anthropic(model.Id, model.Display) : model.Json);
    }

    private static IEnumerable<(string Id, string Display, JsonObject Json)> Visible(ModelCatalog catalog, EmbeddingModels embeddings, Parley.Usage.Caller caller)
    {
        foreach (var model in catalog.Listed.Where(m => Allowed(caller, m.Id)))
            yield return (model.Id, model.DisplayName, Describe(model, catalog, kind: "chat"));
        foreach (var model in embeddings.Listed.Where(m => Allowed(caller, m.Id)))
            yield return (model.Id, model.Id, Describe(model, catalog, kind: "embedding"));
        foreach (var (alias, target) in catalog.Aliases.Where(a => Allowed(caller, a.Value)))
        {
            yield return (alias, alias, new JsonObject
            {
                ["id"] = alias, ["object"] = "model", ["created"] = 0, ["owned_by"] = "alias", ["alias_of"] = target,
            });
        }
    }

    private static JsonObject Describe(ModelEntry model, ModelCatalog catalog, string kind) => new()
    {
        ["id"] = model.Id,
        ["object"] = "model",
        ["created"] = 0,
        ["owned_by"] = model.Provider,
        ["display_name"] = model.DisplayName,
        ["type"] = kind,
        ["is_default"] = kind == "chat" && model.Id == catalog.Default.Id,
        ["is_mock"] = model.IsMock,
        ["vision"] = kind == "chat" && model.Vision,
    };

    private static JsonObject Anthropic(string id, string display) => new()
    {
        ["type"] = "model", ["id"] = id, ["display_name"] = display, ["created_at"] = "1970-01-01T00:00:00Z",
    };

    private static ModelEntry? TryResolve(ModelCatalog catalog, string name)
    {
        try
        {
            return catalog.Resolve(name);
        }
        catch (ParleyException e) when (e.Code == ErrorCodes.ModelNotFound)
        {
            return null;
        }
    }

    private static bool Allowed(Parley.Usage.Caller caller, string modelId) => ModelAccess.Allows(caller.AllowedModels, modelId);

    private static bool IsAnthropic(HttpContext context) => context.Request.Headers.ContainsKey("anthropic-version");
}
