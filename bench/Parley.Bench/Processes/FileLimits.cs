using System.Runtime.InteropServices;

namespace Parley.Bench.Processes;

/// <summary>Raises this process's open-file limit (children inherit it): 10,000 idle streams need about 20,000 sockets on each side.</summary>
internal static partial class FileLimits
{
    private const int ResourceOpenFiles = 7; // RLIMIT_NOFILE on Linux

    /// <summary>Tries to raise the soft (and, as root, the hard) limit to <paramref name="wanted"/>; returns the soft limit now in force, 0 if unknown.</summary>
    public static long Raise(long wanted)
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        try
        {
            if (GetLimit(ResourceOpenFiles, out var current) != 0)
                return 0;
            if (current.Current >= (ulong)wanted)
                return (long)current.Current;
            var raised = new Limit { Current = (ulong)wanted, Maximum = Math.Max(current.Maximum, (ulong)wanted) };
            if (SetLimit(ResourceOpenFiles, in raised) != 0)
            {
                raised = new Limit { Current = current.Maximum, Maximum = current.Maximum };
                _ = SetLimit(ResourceOpenFiles, in raised);
            }
            return GetLimit(ResourceOpenFiles, out current) == 0 ? (long)current.Current : 0;
        }
        catch (DllNotFoundException)
        {
            return 0;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, out Limit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetLimit(int resource, in Limit limit);
}
