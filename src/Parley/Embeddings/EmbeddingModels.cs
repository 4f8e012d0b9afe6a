using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using OpenAI;
using Parley.Errors;
using Parley.Providers;

namespace Parley.Embeddings;

/// <summary>
/// The embedding models Parley serves: <c>mock/embed</c> (offline, always there) and each OpenAI-compatible provider's
/// <see cref="ProviderOptions.EmbeddingModels"/>, with one <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> each
/// (Microsoft.Extensions.AI.OpenAI's generator over the OpenAI SDK for real providers).
/// </summary>
public sealed class EmbeddingModels : IDisposable
{
    public const string MockModel = "embed";

    private readonly ModelCatalog _catalog;
    private readonly IHttpClientFactory _http;
    private readonly ConcurrentDictionary<string, IEmbeddingGenerator<string, Embedding<float>>> _generators = new(StringComparer.OrdinalIgnoreCase);

    public EmbeddingModels(ModelCatalog catalog, IHttpClientFactory http)
    {
        _catalog = catalog;
        _http = http;
        var listed = new List<ModelEntry>();
        foreach (var (name, provider) in catalog.Providers)
        {
            if (provider.Kind == ProviderKinds.Mock)
                listed.Add(new ModelEntry(name, provider.Kind, MockModel, Vision: false, Listed: true));
            else if (provider.Kind == ProviderKinds.OpenAI)
                listed.AddRange(provider.EmbeddingModels.Distinct(StringComparer.Ordinal).Select(m => new ModelEntry(name, provider.Kind, m, Vision: false, Listed: true)));
        }
        Listed = listed;
    }

    public IReadOnlyList<ModelEntry> Listed { get; }

    /// <summary>A listed embedding model by <c>provider/model</c> or bare id; <c>model_not_found</c> otherwise.</summary>
    public ModelEntry Resolve(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var name = _catalog.Aliases.TryGetValue(requested.Trim(), out var target) ? target : requested.Trim();
        var match = Listed.FirstOrDefault(m => string.Equals(m.Id, name, StringComparison.OrdinalIgnoreCase))
            ?? (Listed.Where(m => m.ModelId == name).ToList() is [var only] ? only : null);
        return match ?? throw new ParleyException(ErrorCodes.ModelNotFound, 404,
            $"The embedding model '{requested}' is not configured. Pick one from /v1/models ({string.Join(", ", Listed.Select(m => m.Id))}), or add it to Parley:Providers:<name>:EmbeddingModels.");
    }

    public IEmbeddingGenerator<string, Embedding<float>> Get(ModelEntry model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return _generators.GetOrAdd(model.Id, _ => model.Kind == ProviderKinds.Mock ? new MockEmbeddingGenerator() : CreateOpenAI(model));
    }

    private IEmbeddingGenerator<string, Embedding<float>> CreateOpenAI(ModelEntry model)
    {
        var provider = _catalog.Providers[model.Provider];
        var http = _http.CreateClient($"parley-provider-{model.Provider}");
        http.Timeout = TimeSpan.FromSeconds(provider.TimeoutSeconds + 30);
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(provider.ApiKey) ? "not-needed" : provider.ApiKey), new OpenAIClientOptions
        {
            Endpoint = string.IsNullOrWhiteSpace(provider.BaseUrl) ? Providers.OpenAI.OpenAIProvider.DefaultEndpoint : new Uri(provider.BaseUrl),
            Transport = new HttpClientPipelineTransport(http),
            NetworkTimeout = TimeSpan.FromSeconds(provider.TimeoutSeconds),
        });
        return client.GetEmbeddingClient(model.ModelId).AsIEmbeddingGenerator();
    }

    public void Dispose()
    {
        foreach (var generator in _generators.Values)
            generator.Dispose();
    }
}
