using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Parley.Api.Docs;

/// <summary>The OpenAPI document with Swagger UI at <c>/api/docs</c> and ReDoc at <c>/api/redoc</c> (seed 002).</summary>
public static class ApiDocs
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddParleyApiDocs(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Parley";
            document.Info.Description = "OpenAI-compatible, stateful conversations and stateless streaming chat APIs. See docs/api.md.";
            return Task.CompletedTask;
        }));

    public static IEndpointRouteBuilder MapParleyApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath).AllowAnonymous();
        return app;
    }

    /// <summary>The two documentation pages; they read the document from <see cref="DocumentPath"/>.</summary>
    public static IApplicationBuilder UseParleyApiDocPages(this IApplicationBuilder app)
    {
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "api/docs";
            options.SwaggerEndpoint(DocumentPath, "Parley");
            options.DocumentTitle = "Parley API";
        });
        app.UseReDoc(options =>
        {
            options.RoutePrefix = "api/redoc";
            options.SpecUrl = DocumentPath;
            options.DocumentTitle = "Parley API";
        });
        return app;
    }
}
