using Microsoft.Extensions.AI;
using Parley.Tokens;

namespace Parley.Limits;

public static class TokenBudgetChatClientBuilderExtensions
{
    /// <summary>Adds <see cref="TokenBudgetChatClient"/>: every call's tokens count against its caller's daily budgets.</summary>
    public static ChatClientBuilder UseTokenBudgets(this ChatClientBuilder builder, IUserLimiter limiter, TokenCounter counter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new TokenBudgetChatClient(inner, limiter, counter));
    }
}
