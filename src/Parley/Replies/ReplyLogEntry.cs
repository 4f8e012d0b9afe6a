namespace Parley.Replies;

/// <summary>
/// One event of a reply's log: <see cref="Id"/> counts from 1 in order; <see cref="Data"/> is the event's JSON as the
/// conversation stream sends it, or null for the end of the log.
/// </summary>
public readonly record struct ReplyLogEntry(long Id, string? Data)
{
    public bool IsEnd => Data is null;
}
