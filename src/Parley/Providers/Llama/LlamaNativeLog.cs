using System.Text;
using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Parley.Providers.Llama;

/// <summary>
/// Sends llama.cpp's own log (hundreds of lines while a model loads) to Parley's log: its information at Debug, its
/// warnings and errors as they are, one entry per line. Process-wide, set once before the native library loads.
/// </summary>
internal static partial class LlamaNativeLog
{
    private static int _installed;

    public static void Install(ILogger logger)
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
            return;
        var lines = new ThreadLocal<StringBuilder>(() => new StringBuilder());
        var previous = LogLevel.Debug;
        NativeLogConfig.llama_log_set((level, message) =>
        {
            var line = lines.Value!;
            line.Append(message);
            if (!message.EndsWith('\n'))
                return;
            var mapped = level switch
            {
                LLamaLogLevel.Warning => LogLevel.Warning,
                LLamaLogLevel.Error => LogLevel.Error,
                LLamaLogLevel.Continue => previous,
                _ => LogLevel.Debug,
            };
            previous = mapped;
            if (logger.IsEnabled(mapped))
            {
                var text = line.ToString(0, line.Length - 1);
                Log(logger, mapped, text);
            }
            line.Clear();
        });
    }

    [LoggerMessage(Message = "llama.cpp: {Line}")]
    private static partial void Log(ILogger logger, LogLevel level, string line);
}
