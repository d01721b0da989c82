using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Seco.Garbling.Crypto;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Seco.Garbling.Garbling;

/// <summary>
/// Pipelined AES-NI kernels for the fixed-key TMMO hash H(x, i) = π(π(x) ⊕ i) ⊕ π(x) (<see cref="TweakableHash"/>):
/// 2, 4 and 8 independent lanes per call. Generated straight-line code so the JIT keeps every lane in a register.
/// The caller checks <see cref="System.Runtime.Intrinsics.X86.Aes.IsSupported"/>; the portable path is
/// <see cref="TweakableHash.Hash(Block, ulong)"/>, which gives identical results.
/// </summary>
internal static class HashLanes
{
    /// <summary>2 TMMO hashes in one pipelined pass: x[k] ← H(x[k], t[k]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hash2(ReadOnlySpan<Vector128<byte>> rk, Span<Vector128<byte>> x, ReadOnlySpan<Vector128<byte>> t)
    {
        if (x.Length < 2 || t.Length < 2) throw new ArgumentException("hash lanes");
        var k = rk[0];
        var a0 = x[0] ^ k; var a1 = x[1] ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            a0 = X86Aes.Encrypt(a0, k); a1 = X86Aes.Encrypt(a1, k);
        }
        k = rk[Aes128.Rounds];
        a0 = X86Aes.EncryptLast(a0, k); a1 = X86Aes.EncryptLast(a1, k);
        k = rk[0];
        var b0 = a0 ^ t[0] ^ k; var b1 = a1 ^ t[1] ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k);
        }
        k = rk[Aes128.Rounds];
        x[0] = X86Aes.EncryptLast(b0, k) ^ a0; x[1] = X86Aes.EncryptLast(b1, k) ^ a1;
    }

    /// <summary>4 TMMO hashes in one pipelined pass: x[k] ← H(x[k], t[k]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hash4(ReadOnlySpan<Vector128<byte>> rk, Span<Vector128<byte>> x, ReadOnlySpan<Vector128<byte>> t)
    {
        if (x.Length < 4 || t.Length < 4) throw new ArgumentException("hash lanes");
        var k = rk[0];
        var a0 = x[0] ^ k; var a1 = x[1] ^ k; var a2 = x[2] ^ k; var a3 = x[3] ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            a0 = X86Aes.Encrypt(a0, k); a1 = X86Aes.Encrypt(a1, k); a2 = X86Aes.Encrypt(a2, k); a3 = X86Aes.Encrypt(a3, k);
        }
        k = rk[Aes128.Rounds];
        a0 = X86Aes.EncryptLast(a0, k); a1 = X86Aes.EncryptLast(a1, k); a2 = X86Aes.EncryptLast(a2, k); a3 = X86Aes.EncryptLast(a3, k);
        k = rk[0];
        var b0 = a0 ^ t[0] ^ k; var b1 = a1 ^ t[1] ^ k; var b2 = a2 ^ t[2] ^ k; var b3 = a3 ^ t[3] ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
        }
        k = rk[Aes128.Rounds];
        x[0] = X86Aes.EncryptLast(b0, k) ^ a0; x[1] = X86Aes.EncryptLast(b1, k) ^ a1; x[2] = X86Aes.EncryptLast(b2, k) ^ a2; x[3] = X86Aes.EncryptLast(b3, k) ^ a3;
    }

    /// <summary>8 TMMO hashes in one pipelined pass: x[k] ← H(x[k], t[k]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hash8(ReadOnlySpan<Vector128<byte>> rk, Span<Vector128<byte>> x, ReadOnlySpan<Vector128<byte>> t)
    {
        if (x.Length < 8 || t.Length < 8) throw new ArgumentException("hash lanes");
        var k = rk[0];
        var a0 = x[0] ^ k; var a1 = x[1] ^ k; var a2 = x[2] ^ k; var a3 = x[3] ^ k; var a4 = x[4] ^ k; var a5 = x[5] ^ k; var a6 = x[6] ^ k; var a7 = x[7] ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            a0 = X86Aes.Encrypt(a0, k); a1 = X86Aes.Encrypt(a1, k); a2 = X86Aes.Encrypt(a2, k); a3 = X86Aes.Encrypt(a3, k); a4 = X86Aes.Encrypt(a4, k); a5 = X86Aes.Encrypt(a5, k); a6 = X86Aes.Encrypt(a6, k); a7 = X86Aes.Encrypt(a7, k);
        }
        k = rk[Aes128.Rounds];
        a0 = X86Aes.EncryptLast(a0, k); a1 = X86Aes.EncryptLast(a1, k); a2 = X86Aes.EncryptLast(a2, k); a3 = X86Aes.EncryptLast(a3, k); a4 = X86Aes.EncryptLast(a4, k); a5 = X86Aes.EncryptLast(a5, k); a6 = X86Aes.EncryptLast(a6, k); a7 = X86Aes.EncryptLast(a7, k);
        k = rk[0];
        var b0 = a0 ^ t[0] ^ k; var b1 = a1 ^ t[1] ^ k; var b2 = a2 ^ t[2] ^ k; var b3 = a3 ^ t[3] ^ k; var b4 = a4 ^ t[4] ^ k; var b5 = a5 ^ t[5] ^ k; var b6 = a6 ^ t[6] ^ k; var b7 = a7 ^ t[7] ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k); b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        }
        k = rk[Aes128.Rounds];
        x[0] = X86Aes.EncryptLast(b0, k) ^ a0; x[1] = X86Aes.EncryptLast(b1, k) ^ a1; x[2] = X86Aes.EncryptLast(b2, k) ^ a2; x[3] = X86Aes.EncryptLast(b3, k) ^ a3; x[4] = X86Aes.EncryptLast(b4, k) ^ a4; x[5] = X86Aes.EncryptLast(b5, k) ^ a5; x[6] = X86Aes.EncryptLast(b6, k) ^ a6; x[7] = X86Aes.EncryptLast(b7, k) ^ a7;
    }

    /// <summary>The tweak i as a block: i in the low 64 bits (as <see cref="TweakableHash"/> encodes it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> Tweak(ulong i) => Vector128.CreateScalar(i).AsByte();
}
