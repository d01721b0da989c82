using System.Buffers;

namespace Seco.MessagePack.Tests.Support;

public delegate void WriteAction(ref MessagePackWriter writer);

public delegate void ReadAction(ref MessagePackReader reader);

/// <summary>Small helpers to encode with a callback and to talk in hex.</summary>
public static class Mp
{
    public static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static string EncodeHex(WriteAction write) => Hex(Encode(write));

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Runs <paramref name="read"/> on <paramref name="hex"/> and returns the exception it must throw.</summary>
    public static MessagePackException Throws(string hex, ReadAction read, MessagePackReaderOptions? options = null) =>
        Throws(Bytes(hex), read, options);

    public static MessagePackException Throws(byte[] bytes, ReadAction read, MessagePackReaderOptions? options = null) =>
        Assert.Throws<MessagePackException>(() =>
        {
            var reader = new MessagePackReader(bytes, options);
            read(ref reader);
        });
}
