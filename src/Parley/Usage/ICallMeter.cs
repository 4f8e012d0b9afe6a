namespace Parley.Usage;

/// <summary>
/// Receives every call <see cref="MeteringChatClient"/> measures, so the call is measured once and each policy
/// (token budgets, usage records, metrics) only decides what to do with the measurement.
/// </summary>
public interface ICallMeter
{
    /// <summary>The call is about to be sent; only who, what model and when are known.</summary>
    void Started(CallMeasurement measured);

    /// <summary>The call ended (completed, failed or cancelled); its usage and outcome are final.</summary>
    ValueTask FinishedAsync(CallMeasurement measured);
}
