namespace Seco.MessagePack;

/// <summary>The type families of the MessagePack type system (spec: "Type system").</summary>
public enum MessagePackType
{
    /// <summary>Not a valid type: only the reserved byte 0xc1 maps here. <see cref="MessagePackReader.PeekType"/> never returns it.</summary>
    Unknown = 0,
    Nil,
    Boolean,
    Integer,
    Float,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
