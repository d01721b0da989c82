using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

/// <summary>
/// The AVX-512, AVX2 and scalar NTTs must agree bit for bit (issue 19): every path is run on this machine when it
/// can be (otherwise the case is skipped, not passed), on the moduli the project uses and at the edges of the
/// accepted input ranges, and compared with the scalar path, which <see cref="NttTests"/> checks against the math.
/// </summary>
public class NttIsaTests
{
    private static readonly NttIsa[] AllIsas = [NttIsa.Scalar, NttIsa.Avx2, NttIsa.Avx512];

    // Below 8 (AVX2) and 32 (AVX-512) the vector paths fall back to the scalar code; 8 and 32 are their smallest
    // vector sizes (a single pass over the last layers), and larger n add the broadcast-twiddle layers one by one.
    private static readonly int[] Lengths = [2, 4, 8, 16, 32, 64, 128, 1024, 4096, 8192];

    private static readonly ulong[] AllModuli = Moduli();

    public static readonly TheoryData<NttIsa, int> Cases = BuildCases();

    public static readonly TheoryData<NttIsa> Isas = new(AllIsas);

    /// <summary>
    /// Every modulus family the NTT runs with: the BFVDefault coefficient chains (4096: 36/37 bits, 8192: 43/44,
    /// 16384: 48/49, the last prime of each being the key-switching prime), the plaintext moduli (20-bit batching
    /// primes and SECO's 41-bit t), primes on both sides of 2^49, the 60-bit auxiliary primes of the HPS product, the
    /// largest modulus <see cref="Modulus"/> admits (61 bits, where 4q approaches 2^63), and small primes where every
    /// lazy bound is hit often.
    /// </summary>
    private static ulong[] Moduli()
    {
        var moduli = ProjectModuli();
        moduli.AddRange([17, 257, 12289, 65537]);
        return moduli.Distinct().ToArray();
    }

    /// <summary>Every modulus the project uses (BFVDefault chains with key primes, plaintext moduli) and primes on
    /// either side of the AVX-512 path's switch from floating-point to integer quotients (2^49), up to 61 bits; shared
    /// with <see cref="VectorKernelsTests"/>.</summary>
    internal static List<ulong> ProjectModuli()
    {
        var moduli = new List<ulong>();
        foreach (EncryptionParameters p in new[] { BfvPresets.Default4096(), BfvPresets.Default8192(), BfvPresets.Default16384() })
        {
            moduli.AddRange(p.CoeffModulus.Select(q => q.Value));
            moduli.Add(p.PlainModulus);
        }

        moduli.Add(BfvPresets.SecoPlainModulus);

        // The AVX-512 path estimates quotients in floating point below 2^49 and with integer products above: the
        // two largest 49-bit primes (just below 2^49) and a 50-bit one sit on either side of that switch.
        moduli.AddRange(Primes.NttPrimes(49, 8192, 2));
        moduli.AddRange(Primes.NttPrimes(50, 8192, 1));
        moduli.AddRange(Primes.NttPrimes(60, 8192, 2));
        moduli.AddRange(Primes.NttPrimes(61, 8192, 1));
        return moduli;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Forward_IsBitIdenticalToScalar(NttIsa isa, int n)
    {
        Skip.IfNot(NegacyclicNtt.IsSupported(isa), $"{NegacyclicNtt.Name(isa)} is not supported on this machine");
        foreach (ulong q in ModuliFor(n))
        {
            ForwardMatchesScalar(isa, n, q);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Inverse_IsBitIdenticalToScalar(NttIsa isa, int n)
    {
        Skip.IfNot(NegacyclicNtt.IsSupported(isa), $"{NegacyclicNtt.Name(isa)} is not supported on this machine");
        foreach (ulong q in ModuliFor(n))
        {
            InverseMatchesScalar(isa, n, q);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void InverseOfForward_IsIdentity(NttIsa isa, int n)
    {
        Skip.IfNot(NegacyclicNtt.IsSupported(isa), $"{NegacyclicNtt.Name(isa)} is not supported on this machine");
        foreach (ulong q in ModuliFor(n))
        {
            RoundTrips(isa, n, q);
        }
    }

    private static void ForwardMatchesScalar(NttIsa isa, int n, ulong q)
    {
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(Seed(n, q));

        // Reduced inputs, lazy inputs anywhere in the accepted [0, 4q), and the extremes 4q − 1, q − 1 and 0.
        foreach (ulong[] input in new[]
        {
            RandomValues(rng, n, q),
            RandomValues(rng, n, 4 * q),
            Filled(n, (4 * q) - 1),
            Filled(n, q - 1),
            Filled(n, 0),
            Mixed(rng, n, [0, q - 1, q, (2 * q) - 1, 2 * q, (4 * q) - 1]),
        })
        {
            ulong[] expected = (ulong[])input.Clone();
            NegacyclicNtt.Forward(expected, tables, NttIsa.Scalar);
            Assert.All(expected, v => Assert.True(v < q));

            ulong[] actual = (ulong[])input.Clone();
            NegacyclicNtt.Forward(actual, tables, isa);
            AssertSame(expected, actual, $"forward, {NegacyclicNtt.Name(isa)}, n = {n}, q = {q}");
        }
    }

    private static void InverseMatchesScalar(NttIsa isa, int n, ulong q)
    {
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(Seed(n, q) + 1);

        // Reduced inputs, lazy inputs anywhere in the accepted [0, 2q), and the extremes 2q − 1, q − 1 and 0.
        foreach (ulong[] input in new[]
        {
            RandomValues(rng, n, q),
            RandomValues(rng, n, 2 * q),
            Filled(n, (2 * q) - 1),
            Filled(n, q - 1),
            Filled(n, 0),
            Mixed(rng, n, [0, q - 1, q, (2 * q) - 1]),
        })
        {
            ulong[] expected = (ulong[])input.Clone();
            NegacyclicNtt.Inverse(expected, tables, NttIsa.Scalar);
            Assert.All(expected, v => Assert.True(v < q));

            ulong[] actual = (ulong[])input.Clone();
            NegacyclicNtt.Inverse(actual, tables, isa);
            AssertSame(expected, actual, $"inverse, {NegacyclicNtt.Name(isa)}, n = {n}, q = {q}");
        }
    }

    private static void RoundTrips(NttIsa isa, int n, ulong q)
    {
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(Seed(n, q) + 2);

        ulong[] x = RandomValues(rng, n, q);
        ulong[] y = (ulong[])x.Clone();
        NegacyclicNtt.Forward(y, tables, isa);
        NegacyclicNtt.Inverse(y, tables, isa);
        AssertSame(x, y, $"round trip, {NegacyclicNtt.Name(isa)}, n = {n}, q = {q}");

        // A lazy representative x + k·q (k < 4) transforms like x.
        ulong[] lazy = x.Select((v, i) => v + ((ulong)(i % 4) * q)).ToArray();
        NegacyclicNtt.Forward(lazy, tables, isa);
        NegacyclicNtt.Inverse(lazy, tables, isa);
        AssertSame(x, lazy, $"lazy round trip, {NegacyclicNtt.Name(isa)}, n = {n}, q = {q}");
    }

    [SkippableTheory]
    [MemberData(nameof(Isas))]
    public void MisalignedSlices_AreTransformedInPlace(NttIsa isa)
    {
        Skip.IfNot(NegacyclicNtt.IsSupported(isa), $"{NegacyclicNtt.Name(isa)} is not supported on this machine");

        // Limbs are slices of one flat array (RnsPoly), so the transform must not assume any alignment, nor touch
        // anything outside its slice.
        const int n = 1024;
        ulong q = BfvPresets.Default8192().CoeffModulus[0].Value;
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(11);
        ulong[] x = RandomValues(rng, n, q);
        for (int offset = 1; offset < 8; offset += 3)
        {
            ulong[] buffer = Filled(n + 16, ulong.MaxValue);
            x.CopyTo(buffer, offset);
            ulong[] expected = (ulong[])x.Clone();
            NegacyclicNtt.Forward(expected, tables, NttIsa.Scalar);

            NegacyclicNtt.Forward(buffer.AsSpan(offset, n), tables, isa);
            Assert.Equal(expected, buffer.AsSpan(offset, n).ToArray());
            NegacyclicNtt.Inverse(buffer.AsSpan(offset, n), tables, isa);
            Assert.Equal(x, buffer.AsSpan(offset, n).ToArray());
            Assert.All(buffer.Take(offset).Concat(buffer.Skip(offset + n)), v => Assert.Equal(ulong.MaxValue, v));
        }
    }

    [Fact]
    public void DefaultPath_IsTheWidestSupported_AndMatchesScalar()
    {
        NttIsa expected = NegacyclicNtt.IsSupported(NttIsa.Avx512) ? NttIsa.Avx512
            : NegacyclicNtt.IsSupported(NttIsa.Avx2) ? NttIsa.Avx2 : NttIsa.Scalar;
        Assert.Equal(expected, NegacyclicNtt.SelectedIsa);
        Assert.Equal(NegacyclicNtt.Name(expected), NegacyclicNtt.Isa);
        Assert.Contains(NegacyclicNtt.Isa, new[] { "AVX-512", "AVX2", "scalar" });
        Assert.True(NegacyclicNtt.IsSupported(NttIsa.Scalar));

        ulong q = BfvPresets.Default8192().CoeffModulus[4].Value;
        var tables = new NttTables(8192, new Modulus(q));
        ulong[] x = RandomValues(new Random(5), 8192, q);
        ulong[] viaDefault = (ulong[])x.Clone(), viaScalar = (ulong[])x.Clone();
        NegacyclicNtt.Forward(viaDefault, tables);
        NegacyclicNtt.Forward(viaScalar, tables, NttIsa.Scalar);
        Assert.Equal(viaScalar, viaDefault);
        NegacyclicNtt.Inverse(viaDefault, tables);
        NegacyclicNtt.Inverse(viaScalar, tables, NttIsa.Scalar);
        Assert.Equal(viaScalar, viaDefault);
        Assert.Equal(x, viaDefault);
    }

    [Fact]
    public void UnsupportedPath_Throws_AndLengthsAreChecked()
    {
        var tables = new NttTables(16, new Modulus(257));
        foreach (NttIsa isa in AllIsas.Where(i => !NegacyclicNtt.IsSupported(i)))
        {
            Assert.Throws<PlatformNotSupportedException>(() => NegacyclicNtt.Forward(new ulong[16], tables, isa));
            Assert.Throws<PlatformNotSupportedException>(() => NegacyclicNtt.Inverse(new ulong[16], tables, isa));
        }

        foreach (NttIsa isa in AllIsas)
        {
            Assert.Throws<ArgumentException>(() => NegacyclicNtt.Forward(new ulong[8], tables, isa));
            Assert.Throws<ArgumentException>(() => NegacyclicNtt.Inverse(new ulong[32], tables, isa));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => NegacyclicNtt.Name((NttIsa)42));
        Assert.False(NegacyclicNtt.IsSupported((NttIsa)42));
    }

    private static TheoryData<NttIsa, int> BuildCases()
    {
        var data = new TheoryData<NttIsa, int>();
        foreach (NttIsa isa in AllIsas)
        {
            foreach (int n in Lengths)
            {
                data.Add(isa, n);
            }
        }

        return data;
    }

    /// <summary>The moduli of <see cref="Moduli"/> that admit a negacyclic NTT of length n (q ≡ 1 mod 2n).</summary>
    private static IEnumerable<ulong> ModuliFor(int n)
    {
        ulong[] moduli = AllModuli.Where(q => (q - 1) % (2UL * (ulong)n) == 0).ToArray();
        Assert.True(moduli.Length >= 5, $"only {moduli.Length} moduli for n = {n}");
        return moduli;
    }

    /// <summary>Assert.Equal on the arrays, but naming the case and the first differing index.</summary>
    private static void AssertSame(ulong[] expected, ulong[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int i = 0;
        while (i < expected.Length && expected[i] == actual[i])
        {
            i++;
        }

        if (i < expected.Length)
        {
            Assert.Fail($"{what}: index {i} is {actual[i]}, expected {expected[i]}");
        }
    }

    private static int Seed(int n, ulong q) => (n * 31) + (int)(q % 1_000_003);

    private static ulong[] RandomValues(Random rng, int n, ulong bound) =>
        Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64(0, (long)bound)).ToArray();

    private static ulong[] Filled(int n, ulong value) => Enumerable.Repeat(value, n).ToArray();

    private static ulong[] Mixed(Random rng, int n, ulong[] values) =>
        Enumerable.Range(0, n).Select(_ => values[rng.Next(values.Length)]).ToArray();
}
