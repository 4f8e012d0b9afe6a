namespace Parley.Usage;

/// <summary>Who a model call is made for, through which surface and with which API key (whose model list it must respect).</summary>
public sealed record Caller(string Owner, string Surface, string? KeyId = null, IReadOnlyList<string>? AllowedModels = null)
{
    /// <summary>Calls made outside any surface (the library package, tests).</summary>
    public static readonly Caller Unknown = new(Identity.UserNames.Local, "library");
}

/// <summary>
/// The ambient <see cref="Caller"/> of the current request: authentication sets who it is, each surface names itself
/// before it calls the chat runner, which reads it when it checks model access and measures the call. It flows with
/// the async context and ends with the request.
/// </summary>
public static class CallerContext
{
    private static readonly AsyncLocal<Caller?> Ambient = new();

    public static Caller Current => Ambient.Value ?? Caller.Unknown;

    public static void Set(Caller caller) => Ambient.Value = caller;

    /// <summary>A caller without an API key (the Kafka worker's users, bots).</summary>
    public static void Set(string owner, string surface) => Ambient.Value = new Caller(owner, surface);

    /// <summary>Names the surface of the current caller, keeping who it is.</summary>
    public static void SetSurface(string surface) => Ambient.Value = Current with { Surface = surface };
}
