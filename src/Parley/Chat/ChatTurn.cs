using Microsoft.Extensions.AI;
using Parley.Providers;

namespace Parley.Chat;

/// <summary>One call to a model: who, what it sees, and how it should answer.</summary>
public sealed record ChatTurn(ModelEntry Model, IReadOnlyList<ChatMessage> Messages, ChatOptions Options);
