using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Parley.Kafka;

/// <summary>
/// Points Confluent.Kafka at the operating system's librdkafka. Parley's librdkafka.redist is a placeholder without
/// native files, and Confluent.Kafka asks for "librdkafka", which .NET probes as <c>librdkafka.so</c>: Debian's
/// runtime package (librdkafka1) installs only <c>librdkafka.so.1</c> (the bare name comes with librdkafka-dev), and
/// Homebrew's library is outside the default search path. So the import is resolved here, falling back to
/// .NET's own probing. (Confluent's <c>Library.Load(path)</c> is avoided: 1.9.3's loader needs <c>libdl.so</c>,
/// which glibc 2.34+ no longer installs.)
/// </summary>
internal static class KafkaNativeLibrary
{
    private static readonly string[] Candidates =
    [
        "librdkafka.so.1",
        "librdkafka.so",
        "/opt/homebrew/lib/librdkafka.1.dylib",
        "/opt/homebrew/lib/librdkafka.dylib",
        "/usr/local/lib/librdkafka.1.dylib",
        "/usr/local/lib/librdkafka.dylib",
    ];

    private static readonly Lock Gate = new();
    private static bool _installed;

    public static void EnsureResolver()
    {
        lock (Gate)
        {
            if (_installed)
                return;
            _installed = true;
            NativeLibrary.SetDllImportResolver(typeof(ClientConfig).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "librdkafka")
            return IntPtr.Zero;
        foreach (var candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
                return handle;
        }
        return IntPtr.Zero;
    }
}
