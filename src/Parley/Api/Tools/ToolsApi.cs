using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Parley.Tools;

namespace Parley.Api.Tools;

/// <summary>
/// <c>GET /api/tools</c>: the tools models can be offered (built-ins and connected MCP servers' tools), so a UI can
/// show a switch per tool; a conversation's <c>tools</c> setting and <c>/api/chat</c>'s <c>tools</c> name them.
/// </summary>
public static class ToolsApi
{
    public static RouteHandlerBuilder MapToolsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/tools", List).WithTags("Tools");

    public static Ok<ToolListDto> List(ToolCatalog catalog) => TypedResults.Ok(new ToolListDto(catalog.Describe()));
}

/// <summary>The answer of <c>GET /api/tools</c>, in the order tools are offered to models.</summary>
public sealed record ToolListDto(IReadOnlyList<ToolInfo> Tools);
