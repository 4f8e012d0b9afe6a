using Parley.Usage;

namespace Parley.Limits;

/// <summary>
/// Charges the tokens of every measured call to its caller's daily budgets, so nested calls (tool rounds, summaries)
/// count against the same caller. Cached replies are free; a reply cut before the provider reported usage is charged
/// what was sent and seen.
/// </summary>
internal sealed class TokenBudgetMeter(IUserLimiter limiter) : ICallMeter
{
    public void Started(CallMeasurement measured)
    {
    }

    public ValueTask FinishedAsync(CallMeasurement measured) =>
        measured.Cached ? ValueTask.CompletedTask : limiter.ChargeTokensAsync(measured.Caller, measured.Usage.Total());
}
