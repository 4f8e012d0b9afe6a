using System.Globalization;

namespace Parley.Bench;

/// <summary>What a run does and how long each piece lasts. <c>--quick</c>, <c>--smoke</c> and <c>--soak N</c> pick presets.</summary>
public sealed record BenchOptions
{
    public const string Usage = """
        Parley benchmark suite: a fake OpenAI upstream, Parley (child process) and optional peers on 127.0.0.1.

          dotnet run -c Release --project bench/Parley.Bench -- [mode] [options]

        modes
          (none)          the full suite (15 s per measurement, 10,000 idle streams), about 10 minutes
          --quick         the whole suite in under 5 minutes (6 s per measurement, 2,000 idle streams)
          --smoke         every scenario tiny (about 30 s), exits 1 if any scenario errored
          --soak [N]      only the soak: N minutes (default 10) of moderate load, RSS sampled every second

        options
          --seconds S     seconds per measurement          --streams N     concurrent idle streams
          --messages N    messages in the loaded conversation
          --connections N closed-loop concurrency (32)     --rates A,B     open-loop rates (1000,5000)
          --no-peers      skip Portkey                     --no-micro      skip the BenchmarkDotNet micro-benchmarks
          --server-dll P  Parley.Server.dll to run (default: the one built next to the bench)
          --portkey-dir P where Portkey is (or gets) installed (default /tmp/parley-bench-peers/portkey)
          --out P         JSON results (default artifacts/bench/results.json; a .md table is written next to it)
          --only K1,K2    run only these scenarios (keys as in results.json), for development
        """;

    public string Mode { get; init; } = "full";

    public TimeSpan Measure { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public int Connections { get; init; } = 32;

    public IReadOnlyList<double> Rates { get; init; } = [1000, 5000];

    /// <summary>The fixed rate at which time to first token is compared (low enough that no target queues).</summary>
    public double StreamRate { get; init; } = 200;

    public int IdleStreams { get; init; } = 10_000;

    public int ConversationMessages { get; init; } = 10_000;

    public int LoadSamples { get; init; } = 50;

    public bool Peers { get; init; } = true;

    /// <summary>Install Portkey from npm when it is not there yet (never in smoke mode).</summary>
    public bool InstallPeers { get; init; } = true;

    public bool Micro { get; init; } = true;

    public TimeSpan Soak { get; init; } = TimeSpan.Zero;

    public double SoakRps { get; init; } = 300;

    public string? ServerDll { get; init; }

    /// <summary>Run only these scenario keys (development aid); null runs everything.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    public string PortkeyDir { get; init; } = "/tmp/parley-bench-peers/portkey";

    public string Out { get; init; } = Path.Combine("artifacts", "bench", "results.json");

    public bool SoakOnly => Mode == "soak";

    public bool Smoke => Mode == "smoke";

    public static BenchOptions? Parse(string[] args)
    {
        var options = new BenchOptions();
        if (args.Contains("--quick"))
        {
            options = options with
            {
                Mode = "quick", Measure = TimeSpan.FromSeconds(6), Warmup = TimeSpan.FromSeconds(2), IdleStreams = 2_000, LoadSamples = 20,
                Soak = TimeSpan.FromSeconds(30),
            };
        }
        else if (args.Contains("--smoke"))
        {
            options = options with
            {
                Mode = "smoke", Measure = TimeSpan.FromSeconds(0.7), Warmup = TimeSpan.FromSeconds(0.25), Rates = [200], StreamRate = 50,
                IdleStreams = 50, ConversationMessages = 200, LoadSamples = 3, Peers = false, InstallPeers = false, Soak = TimeSpan.FromSeconds(2),
                SoakRps = 50,
            };
        }
        else if (Array.IndexOf(args, "--soak") is var soak and >= 0)
        {
            var minutes = soak + 1 < args.Length && double.TryParse(args[soak + 1], CultureInfo.InvariantCulture, out var m) ? m : 10;
            options = options with { Mode = "soak", Soak = TimeSpan.FromMinutes(minutes), Peers = false, Micro = false };
        }

        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--quick" or "--smoke":
                    break;
                case "--soak":
                    if (i + 1 < args.Length && double.TryParse(args[i + 1], CultureInfo.InvariantCulture, out _))
                        i++;
                    break;
                case "--seconds":
                    options = options with { Measure = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) };
                    break;
                case "--streams":
                    options = options with { IdleStreams = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--messages":
                    options = options with { ConversationMessages = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--connections":
                    options = options with { Connections = int.Parse(Next(), CultureInfo.InvariantCulture) };
                    break;
                case "--rates":
                    options = options with { Rates = [.. Next().Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture))] };
                    break;
                case "--no-peers":
                    options = options with { Peers = false };
                    break;
                case "--no-micro":
                    options = options with { Micro = false };
                    break;
                case "--server-dll":
                    options = options with { ServerDll = Next() };
                    break;
                case "--portkey-dir":
                    options = options with { PortkeyDir = Next() };
                    break;
                case "--only":
                    options = options with { Only = Next().Split(',').ToHashSet(StringComparer.Ordinal) };
                    break;
                case "--out":
                    options = options with { Out = Next() };
                    break;
                case "--help" or "-h":
                    return null;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return options;
    }
}
