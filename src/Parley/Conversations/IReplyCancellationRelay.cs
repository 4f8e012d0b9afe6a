namespace Parley.Conversations;

/// <summary>Passes a stop to the instance that runs the reply (several Parley instances behind one load balancer).</summary>
public interface IReplyCancellationRelay
{
    /// <summary>Connects the relay to this instance's replies, so signals from other instances reach them.</summary>
    void Attach(ActiveReplies active);

    /// <summary>Asks every other instance to cancel the reply in <paramref name="conversationId"/>.</summary>
    void Publish(string conversationId);
}
