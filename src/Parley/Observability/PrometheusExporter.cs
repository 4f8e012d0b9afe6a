using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Parley.Observability;

/// <summary>
/// Collects every <c>Parley*</c> meter with a <see cref="MeterListener"/> and renders the Prometheus text
/// format (0.0.4) for <c>/metrics</c>. Written here because OpenTelemetry's Prometheus exporter is not in
/// the registry copy this project builds from; it covers counters, up-down counters and histograms.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>Histogram bucket bounds, in the instrument's unit (seconds for durations).</summary>
    public static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();

    public PrometheusExporter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Parley", StringComparison.Ordinal))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (var (instrument, series) in _series.OrderBy(s => s.Key.Name, StringComparer.Ordinal))
            series.Render(text, instrument);
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _series.GetOrAdd(instrument, i => new Series(i)).Add(Labels(tags), value);

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
            return "";
        var pairs = new List<string>(tags.Length);
        foreach (var tag in tags)
            pairs.Add($"{Name(tag.Key)}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
        pairs.Sort(StringComparer.Ordinal);
        return string.Join(',', pairs);
    }

    internal static string Name(string name) => name.Replace('.', '_').Replace('-', '_');

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One instrument's values by label set.</summary>
    private sealed class Series(Instrument instrument)
    {
        private readonly bool _histogram = instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal);
        private readonly bool _monotonic = instrument.GetType().Name.StartsWith("Counter", StringComparison.Ordinal)
            || instrument.GetType().Name.StartsWith("ObservableCounter", StringComparison.Ordinal);
        private readonly bool _gauge = instrument.GetType().Name.StartsWith("ObservableGauge", StringComparison.Ordinal);
        private readonly ConcurrentDictionary<string, Aggregate> _values = new(StringComparer.Ordinal);

        public void Add(string labels, double value)
        {
            var aggregate = _values.GetOrAdd(labels, _ => new Aggregate(_histogram ? Buckets.Length : 0));
            lock (aggregate)
            {
                if (_gauge)
                    aggregate.Sum = value;
                else
                    aggregate.Sum += value;
                aggregate.Count++;
                for (var i = 0; i < aggregate.BucketCounts.Length; i++)
                {
                    if (value <= Buckets[i])
                        aggregate.BucketCounts[i]++;
                }
            }
        }

        public void Render(StringBuilder text, Instrument instrument)
        {
            var name = Name(instrument.Name) + (instrument.Unit == "s" ? "_seconds" : "");
            if (_monotonic)
                name += "_total";
            var type = _histogram ? "histogram" : _monotonic ? "counter" : "gauge";
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {instrument.Description}\n# TYPE {name} {type}\n");
            foreach (var (labels, aggregate) in _values.OrderBy(v => v.Key, StringComparer.Ordinal))
            {
                lock (aggregate)
                {
                    if (!_histogram)
                    {
                        text.Append(CultureInfo.InvariantCulture, $"{name}{Braces(labels)} {Number(aggregate.Sum)}\n");
                        continue;
                    }
                    for (var i = 0; i < Buckets.Length; i++)
                        text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{Braces(Join(labels, $"le=\"{Number(Buckets[i])}\""))} {aggregate.BucketCounts[i]}\n");
                    text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{Braces(Join(labels, "le=\"+Inf\""))} {aggregate.Count}\n");
                    text.Append(CultureInfo.InvariantCulture, $"{name}_sum{Braces(labels)} {Number(aggregate.Sum)}\n");
                    text.Append(CultureInfo.InvariantCulture, $"{name}_count{Braces(labels)} {aggregate.Count}\n");
                }
            }
        }

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;
    }

    private sealed class Aggregate(int buckets)
    {
        public double Sum;
        public long Count;
        public readonly long[] BucketCounts = new long[buckets];
    }
}
