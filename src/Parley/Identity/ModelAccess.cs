using Parley.Errors;
using Parley.Providers;

namespace Parley.Identity;

/// <summary>Which models an API key may use: exact ids (<c>openai/gpt-4o</c>), a provider's models (<c>mock/*</c>) or all (<c>*</c>, or none listed).</summary>
public static class ModelAccess
{
    public static bool Allows(IReadOnlyList<string>? patterns, string modelId) =>
        patterns is null or { Count: 0 } || patterns.Any(p => Matches(p, modelId));

    /// <summary>Throws 403 <c>model_not_allowed</c> when the current caller's key may not use <paramref name="model"/>.</summary>
    public static void Ensure(IReadOnlyList<string>? patterns, ModelEntry model, string? keyId)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Allows(patterns, model.Id))
            throw new ParleyException(ErrorCodes.ModelNotAllowed, 403,
                $"The API key {keyId} may not use {model.Id}; it may use {string.Join(", ", patterns!)}.");
    }

    /// <summary>Why a pattern cannot name any model of the catalog, or null.</summary>
    public static string? Problem(string pattern, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (pattern == "*")
            return null;
        if (pattern.EndsWith("/*", StringComparison.Ordinal))
        {
            var provider = pattern[..^2];
            return catalog.Providers.ContainsKey(provider) ? null : $"'{pattern}' names the provider '{provider}', which is not configured.";
        }
        try
        {
            catalog.Resolve(pattern);
            return null;
        }
        catch (ParleyException e)
        {
            return e.Message;
        }
    }

    private static bool Matches(string pattern, string modelId) =>
        pattern == "*"
        || (pattern.EndsWith("/*", StringComparison.Ordinal) && modelId.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase))
        || string.Equals(pattern, modelId, StringComparison.OrdinalIgnoreCase);
}
