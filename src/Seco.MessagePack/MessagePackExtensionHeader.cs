namespace Seco.MessagePack;

/// <summary>The type and payload length of an ext / fixext value, as returned by <see cref="MessagePackReader.ReadExtensionHeader"/>.</summary>
/// <param name="TypeCode">Application types are 0..127; -128..-1 are reserved by the spec (-1 is the timestamp).</param>
/// <param name="Length">Payload length in bytes; already checked against the bytes remaining in the input.</param>
public readonly record struct MessagePackExtensionHeader(sbyte TypeCode, int Length);
