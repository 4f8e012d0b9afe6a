using System.Diagnostics;

namespace Parley.Observability;

/// <summary>Parley's activity source: one <c>chat</c> span per model call, started and ended by <see cref="CallMeasurement"/>.</summary>
public static class ParleyTracing
{
    public const string SourceName = "Parley";

    public static readonly ActivitySource Source = new(SourceName);
}
