namespace Seco.Garbling.Circuits;

/// <summary>
/// The bit order of the Bristol Fashion AES-128 circuit (aes_128.txt from the Bristol Fashion collection, as
/// shipped by emp-toolkit), established against FIPS-197 Appendix C.1: input 0 is the key, input 1 the plaintext,
/// output 0 the ciphertext; each 128-bit block is read as one big-endian integer (byte 0 most significant) and
/// wire i of the group carries bit i of that integer, so wire 0 is the least significant bit of byte 15 and
/// wire 127 the most significant bit of byte 0. (The other seven orders — bytes LSB-first or MSB-first, either
/// byte order, key and plaintext swapped — do not reproduce the FIPS vector.)
/// </summary>
public static class BristolAes
{
    /// <summary>The circuit's two input groups for <paramref name="key"/> and <paramref name="plaintext"/> (16 bytes each).</summary>
    public static bool[][] Encode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plaintext) => [ToBits(key, nameof(key)), ToBits(plaintext, nameof(plaintext))];

    /// <summary>The 16 bytes of one 128-bit group in the circuit's order (e.g. the ciphertext output).</summary>
    public static byte[] Decode(bool[] bits)
    {
        ArgumentNullException.ThrowIfNull(bits);
        if (bits.Length != 128) throw new ArgumentException($"an AES block is 128 bits, {bits.Length} were given", nameof(bits));
        var bytes = new byte[16];
        for (int i = 0; i < 128; i++)
            if (bits[i]) bytes[15 - i / 8] |= (byte)(1 << (i % 8));
        return bytes;
    }

    /// <summary>One 16-byte block as the circuit's 128 input bits.</summary>
    public static bool[] ToBits(ReadOnlySpan<byte> block, string name = "block")
    {
        if (block.Length != 16) throw new ArgumentException($"{name} must be 16 bytes, {block.Length} were given", name);
        var bits = new bool[128];
        for (int i = 0; i < 128; i++) bits[i] = ((block[15 - i / 8] >> (i % 8)) & 1) != 0;
        return bits;
    }
}
