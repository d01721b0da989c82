using System.Buffers;

namespace Seco.MessagePack.Tests.Support;

/// <summary>
/// An IBufferWriter that hands out the smallest span the contract allows (max(sizeHint, 1) bytes), so every write
/// crosses a span boundary: exercises the writer's refill and chunked-copy paths like a pipe with tiny segments.
/// </summary>
public sealed class TinySpanBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _current = [];

    public int GetSpanCalls { get; private set; }

    public byte[] WrittenBytes => [.. _written];

    public void Advance(int count)
    {
        if (count > _current.Length) throw new InvalidOperationException("advanced past the span");
        _written.AddRange(_current.AsSpan(0, count).ToArray());
        _current = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpanCalls++;
        _current = new byte[Math.Max(sizeHint, 1)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
