using Microsoft.Extensions.Options;
using Parley.Configuration;
using Parley.Errors;

namespace Parley.Providers;

/// <summary>
/// Every model Parley knows, from configuration: the built-in mock models, each provider's listed
/// models, and aliases. Resolves what a request names (alias, <c>provider/model</c>, bare model id) to one entry.
/// </summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ProviderOptions> _providers;
    private readonly Dictionary<string, string> _aliases;
    private readonly List<ModelEntry> _listed = [];

    public ModelCatalog(IOptions<ParleyOptions> options)
    {
        var parley = options.Value;
        _providers = new(parley.Providers, StringComparer.OrdinalIgnoreCase);
        _providers.TryAdd(ProviderKinds.Mock, new ProviderOptions { Kind = ProviderKinds.Mock });
        _aliases = new(parley.Aliases, StringComparer.OrdinalIgnoreCase);

        foreach (var (name, provider) in _providers)
        {
            var models = provider.Kind == ProviderKinds.Mock && provider.Models.Count == 0
                ? MockModels.All
                : provider.Models.Count > 0 ? provider.Models : DefaultModels(provider);
            foreach (var model in models.Distinct(StringComparer.Ordinal))
                _listed.Add(Entry(name, provider, model, listed: true));
        }

        Default = Resolve(parley.DefaultModel ?? FirstRealModel() ?? $"{ProviderKinds.Mock}/{MockModels.Echo}");
    }

    public ModelEntry Default { get; }

    public IReadOnlyList<ModelEntry> Listed => _listed;

    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    public IReadOnlyDictionary<string, ProviderOptions> Providers => _providers;

    /// <summary>True when a provider other than the offline mock is configured (even if the default model is a mock one).</summary>
    public bool HasRealProvider => _providers.Values.Any(p => p.Kind != ProviderKinds.Mock);

    /// <summary>Null or empty means the default model. Throws <c>model_not_found</c> with a sentence a person can act on.</summary>
    public ModelEntry Resolve(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
            return Default;
        var name = requested.Trim();
        if (_aliases.TryGetValue(name, out var target))
            name = target;

        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && _providers.TryGetValue(name[..slash], out var provider) && slash < name.Length - 1)
        {
            var model = name[(slash + 1)..];
            var listed = _listed.Find(m => m.Provider.Equals(name[..slash], StringComparison.OrdinalIgnoreCase) && m.ModelId == model);
            if (listed is not null)
                return listed;
            // Real providers accept unlisted models (an Ollama server has whatever was pulled); the mock has a fixed set.
            if (provider.Kind != ProviderKinds.Mock)
                return Entry(name[..slash].ToLowerInvariant(), provider, model, listed: false);
        }
        else if (slash < 0 && _listed.Where(m => m.ModelId == name).ToList() is [var only])
        {
            return only;
        }

        throw new ParleyException(ErrorCodes.ModelNotFound, 404,
            $"The model '{requested}' is not configured. Pick one from /v1/models.");
    }

    /// <summary>With several providers configured, OpenAI(-compatible) comes first, then Anthropic.</summary>
    private string? FirstRealModel() =>
        _listed.Where(m => !m.IsMock).OrderBy(m => m.Kind == ProviderKinds.OpenAI ? 0 : 1).FirstOrDefault() is { } entry ? entry.Id : null;

    // A local GGUF model reads text only unless VisionModels says otherwise; hosted providers are assumed to see.
    private static ModelEntry Entry(string name, ProviderOptions provider, string model, bool listed) =>
        new(name, provider.Kind, model,
            Vision: provider.VisionModels.Contains(model, StringComparer.Ordinal) || (provider.VisionModels.Count == 0 && provider.Kind != ProviderKinds.Llama),
            Listed: listed);

    private static List<string> DefaultModels(ProviderOptions provider) => provider.Kind switch
    {
        ProviderKinds.OpenAI => ["gpt-4o-mini", "gpt-4o"],
        ProviderKinds.Anthropic => ["claude-sonnet-4-5", "claude-haiku-4-5"],
        ProviderKinds.Llama when !string.IsNullOrWhiteSpace(provider.ModelPath) => [Path.GetFileNameWithoutExtension(provider.ModelPath)],
        _ => [],
    };
}
