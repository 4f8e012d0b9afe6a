using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Parley.Observability;

/// <summary>
/// Every response carries <c>X-Request-Id</c> (the caller's, when it sent a sane one), and every log line
/// written while handling the request carries it too.
/// </summary>
public static partial class RequestIds
{
    public const string Header = "X-Request-Id";

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var given = context.Request.Headers[Header].ToString();
            var id = given.Length is > 0 and <= 128 && Safe().IsMatch(given) ? given : context.TraceIdentifier;
            context.TraceIdentifier = id;
            // Set when the response starts: the exception handler clears headers set earlier.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[Header] = id;
                return Task.CompletedTask;
            });
            var logger = context.RequestServices.GetService(typeof(ILogger<RequestIdScope>)) as ILogger;
            using (logger?.BeginScope(new Dictionary<string, object> { ["RequestId"] = id }))
                await next(context);
        });

    [GeneratedRegex("^[A-Za-z0-9._:-]+$")]
    private static partial Regex Safe();

    /// <summary>The category the request-id log scope is opened under.</summary>
    public sealed class RequestIdScope;
}
