namespace Parley.Replies;

/// <summary>Names one reply's event log: the conversation and the assistant message being written.</summary>
public readonly record struct ReplyKey(string ConversationId, string MessageId)
{
    public override string ToString() => $"{ConversationId}:{MessageId}";
}
