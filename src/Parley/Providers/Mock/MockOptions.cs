namespace Parley.Providers.Mock;

/// <summary>The <c>Mock</c> section: how fast the offline mock provider streams.</summary>
public sealed class MockOptions
{
    public const string Section = "Mock";

    public int FirstTokenDelayMs { get; set; } = 150;

    /// <summary>Tokens per second while streaming; 0 streams as fast as possible.</summary>
    public double TokensPerSecond { get; set; } = 40;
}
