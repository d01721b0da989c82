using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Seco.Garbling.Garbling;

/// <summary>
/// The AES-NI half-gates kernels (Zahur–Rosulek–Evans 2015, Fig. 2) with the fixed-key TMMO hash
/// H(x, i) = π(π(x) ⊕ i) ⊕ π(x) (<see cref="TweakableHash"/>), generated as straight-line code so that every lane
/// stays in a register: the garbler hashes A, A⊕Δ, B, B⊕Δ of two gates (8 lanes), the evaluator A and B of up to four
/// gates. Tweaks are j = 2·id and j′ = 2·id + 1. Colour selections are masks, not branches. The caller has checked
/// AES-NI support and that the gates are mutually independent (<see cref="GateSchedule"/>); the portable path in
/// <see cref="Garbler"/> and <see cref="Evaluator"/> computes the same values.
/// </summary>
internal static class HalfGatesKernels
{
    /// <summary>Garbles 1 independent AND gate(s): 4 TMMO hashes in one pipelined pass, tables to <paramref name="table"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Garble1(ref Block w, Gate g0, ulong id0, Vector128<byte> d, ref Vector128<byte> rk, ref Block table)
    {
        var rk0 = rk; Vector128<byte> k;
        var a0 = Unsafe.Add(ref w, g0.A).Vector; var b0 = Unsafe.Add(ref w, g0.B).Vector;
        var ta0 = Vector128.CreateScalar(2 * id0).AsByte(); var tb0 = Vector128.CreateScalar(2 * id0 + 1).AsByte();
        k = rk0;
        var p0 = (a0) ^ k; var p1 = (a0 ^ d) ^ k; var p2 = (b0) ^ k; var p3 = (b0 ^ d) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            p0 = X86Aes.Encrypt(p0, k); p1 = X86Aes.Encrypt(p1, k); p2 = X86Aes.Encrypt(p2, k); p3 = X86Aes.Encrypt(p3, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        p0 = X86Aes.EncryptLast(p0, k); p1 = X86Aes.EncryptLast(p1, k); p2 = X86Aes.EncryptLast(p2, k); p3 = X86Aes.EncryptLast(p3, k);
        k = rk0;
        var q0 = (p0 ^ ta0) ^ k; var q1 = (p1 ^ ta0) ^ k; var q2 = (p2 ^ tb0) ^ k; var q3 = (p3 ^ tb0) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            q0 = X86Aes.Encrypt(q0, k); q1 = X86Aes.Encrypt(q1, k); q2 = X86Aes.Encrypt(q2, k); q3 = X86Aes.Encrypt(q3, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        q0 = X86Aes.EncryptLast(q0, k); q1 = X86Aes.EncryptLast(q1, k); q2 = X86Aes.EncryptLast(q2, k); q3 = X86Aes.EncryptLast(q3, k);
        q0 ^= p0; q1 ^= p1; q2 ^= p2; q3 ^= p3;
        var pa0 = ColourMask(a0); var pb0 = ColourMask(b0);
        var tg0 = q0 ^ q1 ^ (pb0 & d);
        var te0 = q2 ^ q3 ^ a0;
        Unsafe.Add(ref w, g0.Out) = new Block(q0 ^ (pa0 & tg0) ^ q2 ^ (pb0 & (te0 ^ a0)));
        Unsafe.Add(ref table, 0) = new Block(tg0); Unsafe.Add(ref table, 1) = new Block(te0);
    }

    /// <summary>Garbles 2 independent AND gate(s): 8 TMMO hashes in one pipelined pass, tables to <paramref name="table"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Garble2(ref Block w, Gate g0, ulong id0, Gate g1, ulong id1, Vector128<byte> d, ref Vector128<byte> rk, ref Block table)
    {
        var rk0 = rk; Vector128<byte> k;
        var a0 = Unsafe.Add(ref w, g0.A).Vector; var b0 = Unsafe.Add(ref w, g0.B).Vector;
        var ta0 = Vector128.CreateScalar(2 * id0).AsByte(); var tb0 = Vector128.CreateScalar(2 * id0 + 1).AsByte();
        var a1 = Unsafe.Add(ref w, g1.A).Vector; var b1 = Unsafe.Add(ref w, g1.B).Vector;
        var ta1 = Vector128.CreateScalar(2 * id1).AsByte(); var tb1 = Vector128.CreateScalar(2 * id1 + 1).AsByte();
        k = rk0;
        var p0 = (a0) ^ k; var p1 = (a0 ^ d) ^ k; var p2 = (b0) ^ k; var p3 = (b0 ^ d) ^ k; var p4 = (a1) ^ k; var p5 = (a1 ^ d) ^ k; var p6 = (b1) ^ k; var p7 = (b1 ^ d) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            p0 = X86Aes.Encrypt(p0, k); p1 = X86Aes.Encrypt(p1, k); p2 = X86Aes.Encrypt(p2, k); p3 = X86Aes.Encrypt(p3, k); p4 = X86Aes.Encrypt(p4, k); p5 = X86Aes.Encrypt(p5, k); p6 = X86Aes.Encrypt(p6, k); p7 = X86Aes.Encrypt(p7, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        p0 = X86Aes.EncryptLast(p0, k); p1 = X86Aes.EncryptLast(p1, k); p2 = X86Aes.EncryptLast(p2, k); p3 = X86Aes.EncryptLast(p3, k); p4 = X86Aes.EncryptLast(p4, k); p5 = X86Aes.EncryptLast(p5, k); p6 = X86Aes.EncryptLast(p6, k); p7 = X86Aes.EncryptLast(p7, k);
        k = rk0;
        var q0 = (p0 ^ ta0) ^ k; var q1 = (p1 ^ ta0) ^ k; var q2 = (p2 ^ tb0) ^ k; var q3 = (p3 ^ tb0) ^ k; var q4 = (p4 ^ ta1) ^ k; var q5 = (p5 ^ ta1) ^ k; var q6 = (p6 ^ tb1) ^ k; var q7 = (p7 ^ tb1) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            q0 = X86Aes.Encrypt(q0, k); q1 = X86Aes.Encrypt(q1, k); q2 = X86Aes.Encrypt(q2, k); q3 = X86Aes.Encrypt(q3, k); q4 = X86Aes.Encrypt(q4, k); q5 = X86Aes.Encrypt(q5, k); q6 = X86Aes.Encrypt(q6, k); q7 = X86Aes.Encrypt(q7, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        q0 = X86Aes.EncryptLast(q0, k); q1 = X86Aes.EncryptLast(q1, k); q2 = X86Aes.EncryptLast(q2, k); q3 = X86Aes.EncryptLast(q3, k); q4 = X86Aes.EncryptLast(q4, k); q5 = X86Aes.EncryptLast(q5, k); q6 = X86Aes.EncryptLast(q6, k); q7 = X86Aes.EncryptLast(q7, k);
        q0 ^= p0; q1 ^= p1; q2 ^= p2; q3 ^= p3; q4 ^= p4; q5 ^= p5; q6 ^= p6; q7 ^= p7;
        var pa0 = ColourMask(a0); var pb0 = ColourMask(b0);
        var tg0 = q0 ^ q1 ^ (pb0 & d);
        var te0 = q2 ^ q3 ^ a0;
        Unsafe.Add(ref w, g0.Out) = new Block(q0 ^ (pa0 & tg0) ^ q2 ^ (pb0 & (te0 ^ a0)));
        Unsafe.Add(ref table, 0) = new Block(tg0); Unsafe.Add(ref table, 1) = new Block(te0);
        var pa1 = ColourMask(a1); var pb1 = ColourMask(b1);
        var tg1 = q4 ^ q5 ^ (pb1 & d);
        var te1 = q6 ^ q7 ^ a1;
        Unsafe.Add(ref w, g1.Out) = new Block(q4 ^ (pa1 & tg1) ^ q6 ^ (pb1 & (te1 ^ a1)));
        Unsafe.Add(ref table, 2) = new Block(tg1); Unsafe.Add(ref table, 3) = new Block(te1);
    }

    /// <summary>Evaluates 1 independent AND gate(s): 2 TMMO hashes in one pipelined pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Evaluate1(ref Block w, Gate g0, ulong id0, ref Vector128<byte> rk, ref Block table)
    {
        var rk0 = rk; Vector128<byte> k;
        var a0 = Unsafe.Add(ref w, g0.A).Vector; var b0 = Unsafe.Add(ref w, g0.B).Vector;
        k = rk0;
        var p0 = (a0) ^ k; var p1 = (b0) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            p0 = X86Aes.Encrypt(p0, k); p1 = X86Aes.Encrypt(p1, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        p0 = X86Aes.EncryptLast(p0, k); p1 = X86Aes.EncryptLast(p1, k);
        k = rk0;
        var q0 = (p0 ^ Vector128.CreateScalar(2 * id0).AsByte()) ^ k; var q1 = (p1 ^ Vector128.CreateScalar(2 * id0 + 1).AsByte()) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            q0 = X86Aes.Encrypt(q0, k); q1 = X86Aes.Encrypt(q1, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        q0 = X86Aes.EncryptLast(q0, k); q1 = X86Aes.EncryptLast(q1, k);
        q0 ^= p0; q1 ^= p1;
        var tg0 = Unsafe.Add(ref table, 0).Vector; var te0 = Unsafe.Add(ref table, 1).Vector;
        Unsafe.Add(ref w, g0.Out) = new Block(q0 ^ (ColourMask(a0) & tg0) ^ q1 ^ (ColourMask(b0) & (te0 ^ a0)));
    }

    /// <summary>Evaluates 2 independent AND gate(s): 4 TMMO hashes in one pipelined pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Evaluate2(ref Block w, Gate g0, ulong id0, Gate g1, ulong id1, ref Vector128<byte> rk, ref Block table)
    {
        var rk0 = rk; Vector128<byte> k;
        var a0 = Unsafe.Add(ref w, g0.A).Vector; var b0 = Unsafe.Add(ref w, g0.B).Vector;
        var a1 = Unsafe.Add(ref w, g1.A).Vector; var b1 = Unsafe.Add(ref w, g1.B).Vector;
        k = rk0;
        var p0 = (a0) ^ k; var p1 = (b0) ^ k; var p2 = (a1) ^ k; var p3 = (b1) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            p0 = X86Aes.Encrypt(p0, k); p1 = X86Aes.Encrypt(p1, k); p2 = X86Aes.Encrypt(p2, k); p3 = X86Aes.Encrypt(p3, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        p0 = X86Aes.EncryptLast(p0, k); p1 = X86Aes.EncryptLast(p1, k); p2 = X86Aes.EncryptLast(p2, k); p3 = X86Aes.EncryptLast(p3, k);
        k = rk0;
        var q0 = (p0 ^ Vector128.CreateScalar(2 * id0).AsByte()) ^ k; var q1 = (p1 ^ Vector128.CreateScalar(2 * id0 + 1).AsByte()) ^ k; var q2 = (p2 ^ Vector128.CreateScalar(2 * id1).AsByte()) ^ k; var q3 = (p3 ^ Vector128.CreateScalar(2 * id1 + 1).AsByte()) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            q0 = X86Aes.Encrypt(q0, k); q1 = X86Aes.Encrypt(q1, k); q2 = X86Aes.Encrypt(q2, k); q3 = X86Aes.Encrypt(q3, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        q0 = X86Aes.EncryptLast(q0, k); q1 = X86Aes.EncryptLast(q1, k); q2 = X86Aes.EncryptLast(q2, k); q3 = X86Aes.EncryptLast(q3, k);
        q0 ^= p0; q1 ^= p1; q2 ^= p2; q3 ^= p3;
        var tg0 = Unsafe.Add(ref table, 0).Vector; var te0 = Unsafe.Add(ref table, 1).Vector;
        Unsafe.Add(ref w, g0.Out) = new Block(q0 ^ (ColourMask(a0) & tg0) ^ q1 ^ (ColourMask(b0) & (te0 ^ a0)));
        var tg1 = Unsafe.Add(ref table, 2).Vector; var te1 = Unsafe.Add(ref table, 3).Vector;
        Unsafe.Add(ref w, g1.Out) = new Block(q2 ^ (ColourMask(a1) & tg1) ^ q3 ^ (ColourMask(b1) & (te1 ^ a1)));
    }

    /// <summary>Evaluates 4 independent AND gate(s): 8 TMMO hashes in one pipelined pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Evaluate4(ref Block w, Gate g0, ulong id0, Gate g1, ulong id1, Gate g2, ulong id2, Gate g3, ulong id3, ref Vector128<byte> rk, ref Block table)
    {
        var rk0 = rk; Vector128<byte> k;
        var a0 = Unsafe.Add(ref w, g0.A).Vector; var b0 = Unsafe.Add(ref w, g0.B).Vector;
        var a1 = Unsafe.Add(ref w, g1.A).Vector; var b1 = Unsafe.Add(ref w, g1.B).Vector;
        var a2 = Unsafe.Add(ref w, g2.A).Vector; var b2 = Unsafe.Add(ref w, g2.B).Vector;
        var a3 = Unsafe.Add(ref w, g3.A).Vector; var b3 = Unsafe.Add(ref w, g3.B).Vector;
        k = rk0;
        var p0 = (a0) ^ k; var p1 = (b0) ^ k; var p2 = (a1) ^ k; var p3 = (b1) ^ k; var p4 = (a2) ^ k; var p5 = (b2) ^ k; var p6 = (a3) ^ k; var p7 = (b3) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            p0 = X86Aes.Encrypt(p0, k); p1 = X86Aes.Encrypt(p1, k); p2 = X86Aes.Encrypt(p2, k); p3 = X86Aes.Encrypt(p3, k); p4 = X86Aes.Encrypt(p4, k); p5 = X86Aes.Encrypt(p5, k); p6 = X86Aes.Encrypt(p6, k); p7 = X86Aes.Encrypt(p7, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        p0 = X86Aes.EncryptLast(p0, k); p1 = X86Aes.EncryptLast(p1, k); p2 = X86Aes.EncryptLast(p2, k); p3 = X86Aes.EncryptLast(p3, k); p4 = X86Aes.EncryptLast(p4, k); p5 = X86Aes.EncryptLast(p5, k); p6 = X86Aes.EncryptLast(p6, k); p7 = X86Aes.EncryptLast(p7, k);
        k = rk0;
        var q0 = (p0 ^ Vector128.CreateScalar(2 * id0).AsByte()) ^ k; var q1 = (p1 ^ Vector128.CreateScalar(2 * id0 + 1).AsByte()) ^ k; var q2 = (p2 ^ Vector128.CreateScalar(2 * id1).AsByte()) ^ k; var q3 = (p3 ^ Vector128.CreateScalar(2 * id1 + 1).AsByte()) ^ k; var q4 = (p4 ^ Vector128.CreateScalar(2 * id2).AsByte()) ^ k; var q5 = (p5 ^ Vector128.CreateScalar(2 * id2 + 1).AsByte()) ^ k; var q6 = (p6 ^ Vector128.CreateScalar(2 * id3).AsByte()) ^ k; var q7 = (p7 ^ Vector128.CreateScalar(2 * id3 + 1).AsByte()) ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = Unsafe.Add(ref rk, r);
            q0 = X86Aes.Encrypt(q0, k); q1 = X86Aes.Encrypt(q1, k); q2 = X86Aes.Encrypt(q2, k); q3 = X86Aes.Encrypt(q3, k); q4 = X86Aes.Encrypt(q4, k); q5 = X86Aes.Encrypt(q5, k); q6 = X86Aes.Encrypt(q6, k); q7 = X86Aes.Encrypt(q7, k);
        }
        k = Unsafe.Add(ref rk, Aes128.Rounds);
        q0 = X86Aes.EncryptLast(q0, k); q1 = X86Aes.EncryptLast(q1, k); q2 = X86Aes.EncryptLast(q2, k); q3 = X86Aes.EncryptLast(q3, k); q4 = X86Aes.EncryptLast(q4, k); q5 = X86Aes.EncryptLast(q5, k); q6 = X86Aes.EncryptLast(q6, k); q7 = X86Aes.EncryptLast(q7, k);
        q0 ^= p0; q1 ^= p1; q2 ^= p2; q3 ^= p3; q4 ^= p4; q5 ^= p5; q6 ^= p6; q7 ^= p7;
        var tg0 = Unsafe.Add(ref table, 0).Vector; var te0 = Unsafe.Add(ref table, 1).Vector;
        Unsafe.Add(ref w, g0.Out) = new Block(q0 ^ (ColourMask(a0) & tg0) ^ q1 ^ (ColourMask(b0) & (te0 ^ a0)));
        var tg1 = Unsafe.Add(ref table, 2).Vector; var te1 = Unsafe.Add(ref table, 3).Vector;
        Unsafe.Add(ref w, g1.Out) = new Block(q2 ^ (ColourMask(a1) & tg1) ^ q3 ^ (ColourMask(b1) & (te1 ^ a1)));
        var tg2 = Unsafe.Add(ref table, 4).Vector; var te2 = Unsafe.Add(ref table, 5).Vector;
        Unsafe.Add(ref w, g2.Out) = new Block(q4 ^ (ColourMask(a2) & tg2) ^ q5 ^ (ColourMask(b2) & (te2 ^ a2)));
        var tg3 = Unsafe.Add(ref table, 6).Vector; var te3 = Unsafe.Add(ref table, 7).Vector;
        Unsafe.Add(ref w, g3.Out) = new Block(q6 ^ (ColourMask(a3) & tg3) ^ q7 ^ (ColourMask(b3) & (te3 ^ a3)));
    }

    /// <summary>All-ones if the label's colour (point-and-permute) bit is set, else zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<byte> ColourMask(Vector128<byte> label)
    {
        ulong m = 0UL - (label.AsUInt64().ToScalar() & 1);
        return Vector128.Create(m).AsByte();
    }
}
