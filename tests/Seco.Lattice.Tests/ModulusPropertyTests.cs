using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

/// <summary>FsCheck properties of <see cref="Modulus"/> against <see cref="BigInteger"/>, over arbitrary moduli.</summary>
public class ModulusPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(2000);

    // Full-width 64-bit words built from two 32-bit halves (FsCheck's default ulong generator favours small values).
    private static readonly Gen<ulong> Word =
        Gen.Choose(int.MinValue, int.MaxValue).Two().Select(t => ((ulong)(uint)t.Item1 << 32) | (uint)t.Item2);

    // Moduli of every bit size from 2 to 61.
    private static readonly Gen<ulong> ModulusValue =
        Gen.Choose(2, 61).SelectMany(bits => Word.Select(w =>
            Math.Max(2UL, (w >> (64 - bits)) | (1UL << (bits - 1)))));

    private static readonly Gen<(ulong Q, ulong A, ulong B)> Triple =
        ModulusValue.SelectMany(q => Word.Two().Select(t => (q, t.Item1, t.Item2)));

    [Fact]
    public void Multiply_and_Reduce_match_BigInteger() =>
        Prop.ForAll(Triple.ToArbitrary(), t =>
        {
            var m = new Modulus(t.Q);
            BigInteger product = (BigInteger)t.A * t.B;
            ulong expected = (ulong)(product % t.Q);
            return m.Multiply(t.A, t.B) == expected
                && m.Reduce((UInt128)t.A * t.B) == expected
                && m.Reduce(t.A) == t.A % t.Q;
        }).Check(Quick);

    [Fact]
    public void Shoup_matches_BigInteger() =>
        Prop.ForAll(Triple.ToArbitrary(), t =>
        {
            var m = new Modulus(t.Q);
            ulong w = t.B % t.Q;
            ulong ws = m.ShoupPrecompute(w);
            ulong expected = (ulong)((BigInteger)t.A * w % t.Q);
            ulong lazy = m.MultiplyShoupLazy(t.A, w, ws);
            return m.MultiplyShoup(t.A, w, ws) == expected && lazy < 2 * t.Q && lazy % t.Q == expected;
        }).Check(Quick);

    [Fact]
    public void Add_Sub_Negate_Inverse_are_consistent() =>
        Prop.ForAll(Triple.ToArbitrary(), t =>
        {
            var m = new Modulus(t.Q);
            ulong a = t.A % t.Q, b = t.B % t.Q;
            bool ok = m.Sub(m.Add(a, b), b) == a
                && m.Add(a, m.Negate(a)) == 0
                && m.Add(a, b) == (ulong)(((BigInteger)a + b) % t.Q);
            bool invertible = BigInteger.GreatestCommonDivisor(a, t.Q).IsOne;
            return ok && m.TryInverse(a, out ulong inv) == invertible && (!invertible || m.Multiply(a, inv) == 1 % t.Q);
        }).Check(Quick);
}
