namespace Parley.Operations;

/// <summary>One line of <c>doctor</c>'s report.</summary>
public sealed record DoctorResult(string Part, DoctorStatus Status, string Detail)
{
    /// <summary>Failed and required: makes <c>doctor</c> exit 1.</summary>
    public bool Blocks => Status == DoctorStatus.Fail;
}

public enum DoctorStatus
{
    /// <summary>Configured and reachable.</summary>
    Ok,

    /// <summary>Required (or configured) and not reachable.</summary>
    Fail,

    /// <summary>Works, but worth knowing (e.g. only the mock model, an optional backend not answering).</summary>
    Warn,

    /// <summary>Not configured; nothing to check.</summary>
    Skip,
}
