using Microsoft.Extensions.AI;
using Parley.Providers;
using Parley.Usage;

namespace Parley.Chat;

/// <summary>One call to a model: for whom (<paramref name="Caller"/>), what it sees, and how it should answer.</summary>
public sealed record ChatTurn(ModelEntry Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, Caller Caller);
