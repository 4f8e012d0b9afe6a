namespace Parley.Usage;

/// <summary>
/// Who a model call is made for, through which surface and with which API key (whose model list it must respect).
/// Each surface binds it from the authenticated request and it travels with the turn; limits, budgets and usage
/// charge it, including the nested calls a turn makes (tool rounds, summaries).
/// </summary>
public sealed record Caller(string Owner, string Surface, string? KeyId = null, IReadOnlyList<string>? AllowedModels = null)
{
    /// <summary>Calls made outside any surface (the library package, tests).</summary>
    public static readonly Caller Unknown = new(Identity.UserNames.Local, "library");
}
