namespace Parley.Observability;

/// <summary>Parley's activity source: one <c>chat</c> span per model call, opened by the pipeline's <c>OpenTelemetryChatClient</c>.</summary>
public static class ParleyTracing
{
    public const string SourceName = "Parley";
}
