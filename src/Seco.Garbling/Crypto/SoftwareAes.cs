using System.Runtime.Intrinsics;

namespace Seco.Garbling.Crypto;

/// <summary>
/// Portable AES-128 (FIPS-197 §5.1–5.2), used for the key schedule everywhere and for encryption where AES-NI is
/// absent.
/// </summary>
/// <remarks>
/// This is a straightforward byte-oriented implementation with an S-box table. Table lookups indexed by secret data
/// leak through the cache on a shared machine, so the fallback is for cross-checking AES-NI and for tests only:
/// garbling, OT and keyed AES refuse to run without AES-NI (<see cref="Aes128.EnsureConstantTime"/>), and
/// <see cref="Aes128.IsHardwareAccelerated"/> tells which path an instance runs.
/// </remarks>
internal static class SoftwareAes
{
    private static readonly byte[] SBox = BuildSBox();

    /// <summary>The 11 round keys of AES-128 (FIPS-197 §5.2).</summary>
    public static Vector128<byte>[] ExpandKey(Block key)
    {
        Span<byte> w = stackalloc byte[176];
        key.Write(w);
        byte rcon = 1;
        for (int i = 16; i < 176; i += 4)
        {
            byte t0 = w[i - 4], t1 = w[i - 3], t2 = w[i - 2], t3 = w[i - 1];
            if (i % 16 == 0)
            {
                // RotWord, SubWord, Rcon.
                byte tmp = t0;
                t0 = (byte)(SBox[t1] ^ rcon); t1 = SBox[t2]; t2 = SBox[t3]; t3 = SBox[tmp];
                rcon = XTime(rcon);
            }
            w[i] = (byte)(w[i - 16] ^ t0); w[i + 1] = (byte)(w[i - 15] ^ t1);
            w[i + 2] = (byte)(w[i - 14] ^ t2); w[i + 3] = (byte)(w[i - 13] ^ t3);
        }
        var keys = new Vector128<byte>[Aes128.Rounds + 1];
        for (int r = 0; r <= Aes128.Rounds; r++) keys[r] = Vector128.Create((ReadOnlySpan<byte>)w.Slice(16 * r, 16));
        return keys;
    }

    /// <summary>Encrypts one block with expanded <paramref name="roundKeys"/>.</summary>
    public static Block Encrypt(ReadOnlySpan<Vector128<byte>> roundKeys, Block input)
    {
        Span<byte> s = stackalloc byte[16];
        Span<byte> t = stackalloc byte[16];
        Span<byte> k = stackalloc byte[16];
        input.Write(s);
        AddRoundKey(s, roundKeys[0], k);
        for (int r = 1; r <= Aes128.Rounds; r++)
        {
            // SubBytes and ShiftRows together: state byte (row c%4... ) in column-major order, s[4c + row].
            for (int c = 0; c < 4; c++)
                for (int row = 0; row < 4; row++)
                    t[4 * c + row] = SBox[s[4 * ((c + row) & 3) + row]];
            if (r < Aes128.Rounds)
            {
                for (int c = 0; c < 4; c++)
                {
                    byte a0 = t[4 * c], a1 = t[4 * c + 1], a2 = t[4 * c + 2], a3 = t[4 * c + 3];
                    byte all = (byte)(a0 ^ a1 ^ a2 ^ a3);
                    s[4 * c] = (byte)(a0 ^ all ^ XTime((byte)(a0 ^ a1)));
                    s[4 * c + 1] = (byte)(a1 ^ all ^ XTime((byte)(a1 ^ a2)));
                    s[4 * c + 2] = (byte)(a2 ^ all ^ XTime((byte)(a2 ^ a3)));
                    s[4 * c + 3] = (byte)(a3 ^ all ^ XTime((byte)(a3 ^ a0)));
                }
            }
            else
            {
                t.CopyTo(s);
            }
            AddRoundKey(s, roundKeys[r], k);
        }
        return Block.Read(s);
    }

    private static void AddRoundKey(Span<byte> state, Vector128<byte> key, Span<byte> scratch)
    {
        key.CopyTo(scratch);
        for (int i = 0; i < 16; i++) state[i] ^= scratch[i];
    }

    private static byte XTime(byte b) => (byte)((b << 1) ^ ((b >> 7) * 0x1B));

    /// <summary>The AES S-box from its definition: multiplicative inverse in GF(2^8) followed by the affine map.</summary>
    private static byte[] BuildSBox()
    {
        var box = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            byte inv = 0;
            if (x != 0)
                for (int y = 1; y < 256; y++)
                    if (GfMul((byte)x, (byte)y) == 1) { inv = (byte)y; break; }
            int b = inv;
            int s = b ^ Rotl8(b, 1) ^ Rotl8(b, 2) ^ Rotl8(b, 3) ^ Rotl8(b, 4) ^ 0x63;
            box[x] = (byte)s;
        }
        return box;
    }

    private static int Rotl8(int b, int n) => ((b << n) | (b >> (8 - n))) & 0xFF;

    private static byte GfMul(byte a, byte b)
    {
        byte p = 0;
        for (int i = 0; i < 8; i++)
        {
            if ((b & 1) != 0) p ^= a;
            a = XTime(a);
            b >>= 1;
        }
        return p;
    }
}
