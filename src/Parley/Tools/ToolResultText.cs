using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Parley.Tools;

/// <summary>Turns whatever a tool returned into the bounded text the model sees.</summary>
internal static class ToolResultText
{
    public static string TruncationNote(int maxChars) => $"\n\n[Result truncated: it was longer than {maxChars} characters.]";

    public static string Format(object? result, JsonSerializerOptions? serializerOptions, int maxChars) => result switch
    {
        null => "",
        string s => Cap(s, maxChars),
        JsonElement { ValueKind: JsonValueKind.String } e => Cap(e.GetString() ?? "", maxChars),
        TextContent text => Cap(text.Text, maxChars),
        IEnumerable<AIContent> contents when contents.All(c => c is TextContent) =>
            Cap(string.Join("\n", contents.Cast<TextContent>().Select(t => t.Text)), maxChars),
        _ => Serialize(result, Compact(serializerOptions ?? AIJsonUtilities.DefaultOptions), maxChars),
    };

    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> CompactOptions = [];

    // Indentation only costs the model tokens.
    private static JsonSerializerOptions Compact(JsonSerializerOptions options) =>
        !options.WriteIndented ? options : CompactOptions.GetValue(options, o => new JsonSerializerOptions(o) { WriteIndented = false });

    public static string Cap(string text, int maxChars) =>
        text.Length <= maxChars ? text : string.Concat(text.AsSpan(0, maxChars), TruncationNote(maxChars));

    // Serialises into a bounded buffer, so a tool returning a huge object never becomes a huge string.
    private static string Serialize(object value, JsonSerializerOptions serializerOptions, int maxChars)
    {
        using var sink = new CappedStream(checked(maxChars * 4L));
        try
        {
            JsonSerializer.Serialize(sink, value, value.GetType(), serializerOptions);
        }
        catch (Exception) when (sink.Full)
        {
            // The cap was reached mid-serialisation; what was written so far is kept.
        }

        var text = Encoding.UTF8.GetString(sink.Written);
        return sink.Full ? string.Concat(text.AsSpan(0, Math.Min(text.Length, maxChars)), TruncationNote(maxChars)) : Cap(text, maxChars);
    }

    private sealed class CappedStream(long capacity) : Stream
    {
        private readonly MemoryStream _buffer = new();

        public bool Full { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _buffer.Length;

        public override long Position
        {
            get => _buffer.Length;
            set => throw new NotSupportedException();
        }

        public ReadOnlySpan<byte> Written => _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var room = (int)Math.Max(0, capacity - _buffer.Length);
            _buffer.Write(buffer[..Math.Min(room, buffer.Length)]);
            if (buffer.Length > room)
            {
                Full = true;
                throw new IOException("Tool result cap reached.");
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _buffer.Dispose();
            base.Dispose(disposing);
        }
    }
}
