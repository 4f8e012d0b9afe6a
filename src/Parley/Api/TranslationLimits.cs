using Microsoft.AspNetCore.Http;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Api;

/// <summary>
/// What a translated request may lose: fields only an OpenAI-compatible provider honours (<c>strict</c> on a function
/// or a json_schema format, an image's <c>detail</c>) are refused with a 400 naming them when the request goes to another
/// kind of provider, or, when its operator set <c>DropUnsupportedParams</c>, dropped and listed in
/// <c>x-parley-dropped-params</c>. Never lost silently.
/// </summary>
internal static class TranslationLimits
{
    public const string DroppedParamsHeader = "x-parley-dropped-params";

    /// <summary>Refuses or lists <paramref name="fields"/> the translation for <paramref name="model"/> cannot carry; a no-op when it can.</summary>
    public static void Enforce(HttpContext context, ModelEntry model, ProviderOptions? provider, IReadOnlyCollection<string> fields)
    {
        // The mock ignores sampling and schema settings by design; Parley's OpenAI client carries these fields.
        if (fields.Count == 0 || model.Kind is ProviderKinds.OpenAI or ProviderKinds.Mock)
            return;
        if (provider?.DropUnsupportedParams != true)
        {
            throw new ParleyException(ErrorCodes.InvalidRequest, 400,
                $"{string.Join(", ", fields.Select(f => $"'{f}'"))}: {model.Id} cannot honour this through a translation (an OpenAI-compatible provider does, and a provider that relays this API receives it as sent). " +
                "Remove it, pick an OpenAI-compatible model, or let the operator set DropUnsupportedParams on this provider.");
        }
        var existing = context.Response.Headers[DroppedParamsHeader].ToString();
        var listed = string.Join(", ", fields);
        context.Response.Headers[DroppedParamsHeader] = existing.Length == 0 ? listed : $"{existing}, {listed}";
    }
}
