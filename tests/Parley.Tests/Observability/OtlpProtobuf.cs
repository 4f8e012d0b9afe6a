using System.Text;

namespace Parley.Tests.Observability;

/// <summary>
/// Reads the parts of OTLP/protobuf export requests the tests check (metric names, span names, attributes), straight from
/// the protobuf wire format (field numbers from opentelemetry-proto's metrics/v1, trace/v1 and common/v1). Written here
/// because the test project has no protobuf runtime or generated OTLP types.
/// </summary>
internal static class OtlpProtobuf
{
    private readonly record struct Field(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

    /// <summary>Metric names of an ExportMetricsServiceRequest with each data point's attributes (Metric: gauge = 5, sum = 7, histogram = 9).</summary>
    public static List<(string Name, List<Dictionary<string, string>> Points)> Metrics(byte[] body)
    {
        var metrics = new List<(string, List<Dictionary<string, string>>)>();
        foreach (var resource in Children(body, 1))
        foreach (var scope in Children(resource, 2))
        foreach (var metric in Children(scope, 2))
        {
            var name = Strings(metric, 1).Single();
            var points = new List<Dictionary<string, string>>();
            foreach (var sum in Children(metric, 7))
                points.AddRange(Children(sum, 1).Select(p => Attributes(p, 7)));
            foreach (var gauge in Children(metric, 5))
                points.AddRange(Children(gauge, 1).Select(p => Attributes(p, 7)));
            foreach (var histogram in Children(metric, 9))
                points.AddRange(Children(histogram, 1).Select(p => Attributes(p, 9)));
            metrics.Add((name, points));
        }
        return metrics;
    }

    /// <summary>Span names of an ExportTraceServiceRequest with their string attributes.</summary>
    public static List<(string Name, Dictionary<string, string> Attributes)> Spans(byte[] body) =>
        [.. Children(body, 1).SelectMany(r => Children(r, 2)).SelectMany(s => Children(s, 2))
            .Select(span => (Strings(span, 5).Single(), Attributes(span, 9)))];

    /// <summary>The resource attributes of every resource in an export request (metrics or traces: both use field 1, then 1).</summary>
    public static Dictionary<string, string> ResourceAttributes(byte[] body) =>
        Children(body, 1).SelectMany(r => Children(r, 1)).Select(r => Attributes(r, 1)).SelectMany(a => a)
            .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);

    /// <summary>KeyValue fields (key = 1, AnyValue = 2) whose value is a string (1), an int (3) or a bool (2), as text.</summary>
    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var pair in Children(message, field))
        {
            var key = Strings(pair, 1).Single();
            foreach (var value in Children(pair, 2))
            {
                foreach (var f in Read(value))
                {
                    attributes[key] = f.Number switch
                    {
                        1 when f.WireType == 2 => Encoding.UTF8.GetString(f.Bytes.Span),
                        2 when f.WireType == 0 => (f.Varint != 0).ToString(),
                        3 when f.WireType == 0 => ((long)f.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => "?",
                    };
                }
            }
        }
        return attributes;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Children(ReadOnlyMemory<byte> message, int field) =>
        Read(message).Where(f => f.Number == field && f.WireType == 2).Select(f => f.Bytes);

    private static IEnumerable<string> Strings(ReadOnlyMemory<byte> message, int field) =>
        Children(message, field).Select(b => Encoding.UTF8.GetString(b.Span));

    private static List<Field> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    fields.Add(new Field(number, wireType, ReadVarint(span, ref position), default));
                    break;
                case 1:
                    fields.Add(new Field(number, wireType, 0, message.Slice(position, 8)));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    fields.Add(new Field(number, wireType, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add(new Field(number, wireType, 0, message.Slice(position, 4)));
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unexpected protobuf wire type {wireType} at byte {position}.");
            }
        }
        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }
        throw new FormatException("A protobuf varint is longer than 10 bytes.");
    }
}
