namespace Parley.Providers;

/// <summary>A model Parley can route to, addressed as <c>provider/model</c>.</summary>
public sealed record ModelEntry(string Provider, string Kind, string ModelId, bool Vision, bool Listed)
{
    public string Id => $"{Provider}/{ModelId}";

    public bool IsMock => Kind == ProviderKinds.Mock;

    public string DisplayName => Kind switch
    {
        ProviderKinds.Mock => $"{MockModels.Describe(ModelId)} (mock, offline)",
        ProviderKinds.Handler => "This app's handler",
        _ => Id,
    };
}
