using System.Buffers;
using Parley.Errors;

namespace Parley.Relay;

/// <summary>
/// Cuts a relayed stream into whole SSE events as bytes arrive, has the protocol's reader look at each, and hands back
/// the events to forward (all those complete in this read, copied once). An event the reader refuses (an error, invalid
/// JSON) is not forwarded; the events before it are. Its buffer is rented only while part of an event is waiting, so an
/// idle stream (the caller waits with a zero-byte read while <see cref="IsEmpty"/>) holds none: at 9,500 idle streams
/// a buffer held for each was 16 of the 68.6 KiB every stream cost.
/// </summary>
internal sealed class RelayStreamScanner(IRelayReader reader) : IDisposable
{
    private const int MaxEventBytes = 8 * 1024 * 1024;

    private const int FirstBufferBytes = 4 * 1024;

    private byte[] _buffer = [];
    private byte[]? _scratch;
    private int _start;
    private int _end;

    /// <summary>Some bytes were forwarded to the client.</summary>
    public bool Started { get; private set; }

    /// <summary>Bytes of an event not yet complete.</summary>
    public int Remaining => _end - _start;

    /// <summary>No part of an event is waiting (and no buffer is held).</summary>
    public bool IsEmpty => _start == _end;

    public Memory<byte> FreeSpace()
    {
        if (_buffer.Length == 0)
            _buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        if (_start > 0 && _start == _end)
            (_start, _end) = (0, 0);
        if (_end == _buffer.Length)
        {
            var unread = _end - _start;
            var target = unread * 2 > _buffer.Length ? ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxEventBytes + 1)) : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, unread);
            if (!ReferenceEquals(target, _buffer))
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = target;
            }
            (_start, _end) = (0, unread);
        }
        return _buffer.AsMemory(_end);
    }

    /// <summary><paramref name="final"/>: the stream ended, so bytes after the last blank line are its last event.</summary>
    public (ReadOnlyMemory<byte> Forward, ProviderException? Error) Advance(int read, bool final = false)
    {
        _end += read;
        var from = _start;
        List<(int Start, int Length)>? kept = null; // only when an event is dropped
        var forwardedEnd = _start;
        ProviderException? error = null;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var length = SseEvents.NextEventLength(pending);
            if (length < 0 && final && !pending.TrimEnd("\r\n"u8).IsEmpty)
                length = pending.Length;
            if (length < 0)
            {
                if (pending.Length > MaxEventBytes)
                    error = new ProviderException(ErrorCodes.ProviderUnavailable, 502, "The provider sent an event larger than Parley accepts (8 MB).");
                break;
            }
            var data = SseEvents.Parse(pending[..length], ref _scratch, out var name);
            bool forward;
            try
            {
                forward = data.IsEmpty || reader.ReadEvent(name, data);
            }
            catch (ProviderException ex)
            {
                error = ex;
                break;
            }
            if (forward && kept is null && _start == forwardedEnd)
            {
                forwardedEnd = _start + length;
            }
            else
            {
                kept ??= forwardedEnd > from ? [(from, forwardedEnd - from)] : [];
                if (forward)
                    kept.Add((_start, length));
            }
            _start += length;
        }

        ReadOnlyMemory<byte> result;
        if (kept is null)
        {
            result = forwardedEnd > from ? _buffer.AsSpan(from, forwardedEnd - from).ToArray() : ReadOnlyMemory<byte>.Empty;
        }
        else
        {
            var bytes = new byte[kept.Sum(k => k.Length)];
            var at = 0;
            foreach (var (start, length) in kept)
            {
                _buffer.AsSpan(start, length).CopyTo(bytes.AsSpan(at));
                at += length;
            }
            result = bytes;
        }
        Started |= !result.IsEmpty;
        if (_start == _end)
            ReturnBuffer();
        return (result, error);
    }

    public void Dispose() => ReturnBuffer();

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        (_start, _end) = (0, 0);
    }
}
