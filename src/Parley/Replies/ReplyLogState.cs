namespace Parley.Replies;

/// <summary>What a reply's log holds: the first kept and the last event ids (0 when empty) and whether it ended.</summary>
public readonly record struct ReplyLogState(long FirstId, long LastId, bool Ended);
