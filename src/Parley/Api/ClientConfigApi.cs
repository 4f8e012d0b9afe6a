using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Conversations;
using Parley.Providers;

namespace Parley.Api;

/// <summary><c>GET /api/config</c>: what a UI needs to render (seed 003's function headers and preloaded messages, limits).</summary>
public static class ClientConfigApi
{
    public static RouteHandlerBuilder MapClientConfigApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/config", Get).WithTags("Client configuration");

    public static Ok<ClientConfig> Get(
        IOptions<ParleyOptions> options, ModelCatalog catalog, IOptions<Documents.DocumentOptions> documents, Redis.RedisConnection redis,
        Storage.IConversationStore store, IOptions<WebSecurity.SecurityOptions> security)
    {
        var parley = options.Value;
        var docs = documents.Value;
        return TypedResults.Ok(new ClientConfig(
            parley.Name,
            catalog.Default.Id,
            parley.FunctionHeaders,
            [.. parley.PreloadedMessages.Select(m => new ClientMessage(m.Role, m.Content))],
            new ClientLimits(parley.MaxImageBytes, parley.MaxMessageChars, parley.MaxImagesPerMessage, ImageInput.AllowedTypes,
                docs.Enabled ? docs.MaxBytes : 0, docs.Enabled ? docs.MaxPerMessage : 0, docs.Enabled ? [.. Documents.DocumentTypes.Extensions] : []),
            redis.Warning is { } warning ? [warning] : [],
            StoreName(store.Kind), security.Value.RemoteImages));
    }

    private static string StoreName(string kind) => kind switch
    {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        "redis" => "Redis",
        "memory" => "Memory",
        _ when kind.StartsWith("memory", StringComparison.Ordinal) => "Memory (Redis unreachable)",
        _ => kind,
    };
}

/// <summary><see cref="Store"/> names where conversations are kept (seed 004's sidebar "Store: Redis").</summary>
public sealed record ClientConfig(
    string Name, string DefaultModel, IReadOnlyDictionary<string, string> Functions, IReadOnlyList<ClientMessage> Messages, ClientLimits Limits,
    IReadOnlyList<string> Warnings, string Store = "", string RemoteImages = WebSecurity.RemoteImageModes.Off);

public sealed record ClientMessage(string Role, string Content);

/// <summary>Document limits are 0 / empty when uploads are turned off.</summary>
public sealed record ClientLimits(
    int MaxImageBytes, int MaxMessageChars, int MaxImagesPerMessage, IReadOnlyList<string> ImageTypes,
    long MaxDocumentBytes = 0, int MaxDocumentsPerMessage = 0, IReadOnlyList<string>? DocumentExtensions = null);
