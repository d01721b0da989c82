namespace Seco.MessagePack;

/// <summary>An ext / fixext value whose payload is a slice of the reader's input (no copy).</summary>
public readonly ref struct MessagePackExtension
{
    public MessagePackExtension(sbyte typeCode, ReadOnlySpan<byte> data)
    {
        TypeCode = typeCode;
        Data = data;
    }

    /// <summary>Application types are 0..127; -128..-1 are reserved by the spec (-1 is the timestamp).</summary>
    public sbyte TypeCode { get; }

    public ReadOnlySpan<byte> Data { get; }
}
