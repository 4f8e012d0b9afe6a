using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Errors;
using Parley.Identity;
using Parley.Providers;

namespace Parley.Api.YourData;

/// <summary>
/// <c>/api/me/preferences</c>: the caller's own web app settings (theme, and the model, system prompt and temperature a new
/// chat starts with), kept on the server so they follow the user to every browser.
/// </summary>
public static class PreferencesApi
{
    public static readonly IReadOnlyList<string> Themes = ["system", "light", "dark"];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapPreferencesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me/preferences").WithTags("Your data");
        group.MapGet("/", Get);
        group.MapPut("/", Put).WithDescription("Replaces the caller's preferences; every field may be null (the server's default).");
        return group;
    }

    public static async Task<Ok<UserPreferences>> Get(HttpContext context, IIdentityStore identity)
    {
        var json = await identity.GetPreferencesAsync(Owners.Of(context), context.RequestAborted);
        return TypedResults.Ok(Read(json));
    }

    public static async Task<Ok<UserPreferences>> Put(
        HttpContext context, UserPreferences body, IIdentityStore identity, ModelCatalog catalog, IOptions<ParleyOptions> options)
    {
        ArgumentNullException.ThrowIfNull(body);
        var clean = Validate(body, catalog, options.Value.MaxMessageChars);
        var owner = Owners.Of(context);
        await identity.SetPreferencesAsync(owner, clean == UserPreferences.Empty ? null : JsonSerializer.Serialize(clean, JsonOptions), context.RequestAborted);
        return TypedResults.Ok(clean);
    }

    private static UserPreferences Validate(UserPreferences body, ModelCatalog catalog, int maxChars)
    {
        var theme = string.IsNullOrWhiteSpace(body.Theme) ? null : body.Theme.Trim().ToLowerInvariant();
        if (theme is not null && !Themes.Contains(theme))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"theme must be one of {string.Join(", ", Themes)}, not '{body.Theme}'.");
        string? model = null;
        if (!string.IsNullOrWhiteSpace(body.DefaultModel))
        {
            try
            {
                model = catalog.Resolve(body.DefaultModel).Id;
            }
            catch (ParleyException e) when (e.Code == ErrorCodes.ModelNotFound)
            {
                throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"defaultModel: {e.Message}");
            }
        }
        if (body.Temperature is < 0 or > 2 || body.Temperature is { } t && !double.IsFinite(t))
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, "temperature must be between 0 and 2.");
        var prompt = string.IsNullOrWhiteSpace(body.SystemPrompt) ? null : body.SystemPrompt;
        if (prompt is { Length: var length } && length > maxChars)
            throw new ParleyException(ErrorCodes.InvalidRequest, 400, $"systemPrompt is {length:N0} characters; the limit is {maxChars:N0}.");
        return new UserPreferences(theme, model, prompt, body.Temperature);
    }

    private static UserPreferences Read(string? json)
    {
        if (json is null)
            return UserPreferences.Empty;
        try
        {
            return JsonSerializer.Deserialize<UserPreferences>(json, JsonOptions) ?? UserPreferences.Empty;
        }
        catch (JsonException)
        {
            return UserPreferences.Empty;
        }
    }
}

/// <param name="Theme"><c>system</c>, <c>light</c> or <c>dark</c> (null: system).</param>
/// <param name="DefaultModel">The model a new chat starts with (null: the server's default).</param>
/// <param name="SystemPrompt">The system prompt a new chat starts with.</param>
/// <param name="Temperature">The temperature a new chat starts with (0–2).</param>
public sealed record UserPreferences(string? Theme, string? DefaultModel, string? SystemPrompt, double? Temperature)
{
    public static readonly UserPreferences Empty = new(null, null, null, null);
}
