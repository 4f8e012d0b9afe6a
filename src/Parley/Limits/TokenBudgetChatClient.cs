using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Parley.Chat;
using Parley.Tokens;
using Parley.Usage;

namespace Parley.Limits;

/// <summary>
/// Charges the tokens of every call to its caller's daily budgets (the owner's, and the API key's own when the call
/// came through a key): the caller comes from the call's options (<see cref="ChatOptionsCaller"/>), so nested calls
/// (tool rounds, summaries) count against the same caller. Cached replies are free. A reply cut before the provider
/// reported usage is charged what was sent and seen.
/// </summary>
public sealed class TokenBudgetChatClient(IChatClient innerClient, IUserLimiter limiter, TokenCounter counter) : DelegatingChatClient(innerClient)
{
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        try
        {
            var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
            tally.Observe(response);
            return response;
        }
        finally
        {
            await ChargeAsync(options.GetCaller(), tally).ConfigureAwait(false);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var tally = new UsageTally(list, counter);
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(list, options, cancellationToken).ConfigureAwait(false))
            {
                tally.Observe(update);
                yield return update;
            }
        }
        finally
        {
            tally.ObserveRelay(options);
            await ChargeAsync(options.GetCaller(), tally).ConfigureAwait(false);
        }
    }

    private async ValueTask ChargeAsync(Caller caller, UsageTally tally)
    {
        if (tally.Cached)
            return;
        var tokens = tally.Total().TotalTokens;
        if (tokens <= 0)
            return;
        await limiter.RecordTokensAsync(caller.Owner, tokens).ConfigureAwait(false);
        if (caller.KeyId is { } key)
            await limiter.RecordTokensAsync(LimitsEndpointFilter.KeyCaller(key), tokens).ConfigureAwait(false);
    }
}
