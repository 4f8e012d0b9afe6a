namespace Parley.Usage;

/// <summary>Who a model call is made for and through which surface, for usage accounting.</summary>
public sealed record Caller(string Owner, string Surface)
{
    /// <summary>Calls made outside any surface (the library package, tests).</summary>
    public static readonly Caller Unknown = new(Api.Owners.Local, "library");
}

/// <summary>
/// The ambient <see cref="Caller"/> of the current request: each surface sets it once before it calls the chat runner,
/// which reads it when it measures the call. It flows with the async context and ends with the surface's handler.
/// </summary>
public static class CallerContext
{
    private static readonly AsyncLocal<Caller?> Ambient = new();

    public static Caller Current => Ambient.Value ?? Caller.Unknown;

    public static void Set(string owner, string surface) => Ambient.Value = new Caller(owner, surface);
}
