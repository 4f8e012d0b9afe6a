using System.ComponentModel.DataAnnotations;

namespace Parley.Replies;

/// <summary>
/// Section <c>Parley:Replies</c>: replies of stored conversations run as server-side jobs with an ordered event log
/// (in Redis Streams when <c>REDIS_URL</c> is set, else in this instance's memory) that clients resume from.
/// </summary>
public sealed class ReplyOptions
{
    public const string Section = "Parley:Replies";

    /// <summary>Longest a reply may run, in seconds; it is stopped (status <c>incomplete</c>) when it reaches this.</summary>
    [Range(1, 86_400)]
    public int MaxSeconds { get; set; } = 900;

    /// <summary>Most events one reply's log keeps; older ones are dropped (a resume from before them is answered 410).</summary>
    [Range(100, 1_000_000)]
    public int MaxEventsPerReply { get; set; } = 20_000;

    /// <summary>How long a finished reply's event log stays resumable, in seconds (then the stored message is served).</summary>
    [Range(1, 86_400)]
    public int KeepFinishedSeconds { get; set; } = 600;

    /// <summary>Most reply logs this instance keeps in memory; the oldest finished ones are dropped first.</summary>
    [Range(10, 1_000_000)]
    public int MaxLogsInMemory { get; set; } = 2000;

    /// <summary>Most resume and conversation-event streams one user may have open at once (on this instance).</summary>
    [Range(1, 10_000)]
    public int MaxStreamsPerUser { get; set; } = 16;
}
