namespace Parley.Library;

/// <summary>A developer's message handler: receives the conversation, emits the reply through <see cref="ParleyChat"/>.</summary>
public delegate Task ChatHandler(ParleyChat chat, CancellationToken cancellationToken);

/// <summary>Holds the app's handler; the <c>handler</c> provider calls it.</summary>
public sealed class ChatHandlerRegistry
{
    public ChatHandler? Handler { get; set; }
}
