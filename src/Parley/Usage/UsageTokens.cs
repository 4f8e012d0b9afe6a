using Microsoft.Extensions.AI;

namespace Parley.Usage;

/// <summary>
/// Token arithmetic on <see cref="UsageDetails"/>, the engine's one usage type (a stored message keeps its
/// <see cref="Conversations.TokenUsage"/>). A report without a total counts as the sum of its input and output.
/// </summary>
public static class UsageTokens
{
    public static UsageDetails Of(long input, long output) =>
        new() { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };

    public static long Input(this UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.InputTokenCount ?? 0;
    }

    public static long Output(this UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.OutputTokenCount ?? 0;
    }

    public static long Total(this UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.TotalTokenCount ?? usage.Input() + usage.Output();
    }

    /// <summary>A new report holding both; neither is changed. Detail counts (cached, reasoning) are summed where either has one.</summary>
    public static UsageDetails Plus(this UsageDetails? sum, UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var result = new UsageDetails();
        if (sum is not null)
            result.Add(sum);
        result.Add(usage);
        result.TotalTokenCount = (sum is null ? 0 : sum.Total()) + usage.Total();
        return result;
    }
}
