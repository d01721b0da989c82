using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Xunit;

namespace Seco.Garbling.Tests.Circuits;

public class ZpArithmeticTests
{
    internal const ulong P = ZpArithmetic.DefaultModulus;
    internal const ulong Half = (P - 1) / 2;

    /// <summary>The edge residues: 0, 1, p−1, the sign boundary (p−1)/2 | (p+1)/2 and its neighbours, powers of two near p.</summary>
    internal static ulong[] Edges(ulong p) => new ulong[] { 0, 1, 2, p - 1, p - 2, p / 2 - 1, p / 2, p / 2 + 1, p / 2 + 2, (1UL << 40) % p, ((1UL << 40) - 1) % p, p / 4 }
        .Select(v => v % p).Distinct().ToArray();

    /// <summary>Residues to test: all edges plus uniform ones, plus near-edge ones so sums wrap around p often.</summary>
    internal static ulong Sample(Random rng, ulong p)
    {
        var edges = Edges(p);
        return rng.Next(4) switch
        {
            0 => edges[rng.Next(edges.Length)],
            1 => (ulong)(((UInt128)edges[rng.Next(edges.Length)] + (ulong)rng.Next(-3, 4) + p) % p),
            _ => (ulong)rng.NextInt64((long)p),
        };
    }

    internal static long Lift(ulong v, ulong p) => v > p / 2 ? (long)v - (long)p : (long)v;

    internal static ulong Mod(Int128 x, ulong p) => (ulong)(((x % p) + p) % p);

    private static Circuit Build(ulong p, int inputs, Func<ZpArithmetic, Bit[][], Bit[]> gadget, out int ands)
    {
        var cb = new CircuitBuilder();
        var zp = new ZpArithmetic(cb, p);
        var ins = Enumerable.Range(0, inputs).Select(i => cb.Input($"x{i}", "g", zp.Width)).ToArray();
        int before = cb.AndCount;
        var result = gadget(zp, ins);
        ands = cb.AndCount - before;
        cb.Output("y", "e", result);
        return cb.Build();
    }

    /// <summary>Checks a gadget on every input tuple for a tiny p and on thousands of random and edge tuples for the SECO p.</summary>
    private static void Check(int inputs, Func<ZpArithmetic, Bit[][], Bit[]> gadget, Func<ulong[], ulong, ulong> reference, int samples = 3000)
    {
        foreach (ulong p in new ulong[] { 13, 11 })
        {
            var small = Build(p, inputs, gadget, out _);
            int total = (int)Math.Pow(p, inputs);
            for (int n = 0; n < total; n++)
            {
                var x = new ulong[inputs];
                for (int i = 0, r = n; i < inputs; i++, r /= (int)p) x[i] = (ulong)(r % (int)p);
                Assert.True(reference(x, p) == small.Evaluate(x)[0], $"p = {p}, inputs ({string.Join(", ", x)}): expected {reference(x, p)}, got {small.Evaluate(x)[0]}");
            }
        }
        var c = Build(P, inputs, gadget, out _);
        var rng = new Random(1234 + inputs);
        for (int n = 0; n < samples; n++)
        {
            var x = Enumerable.Range(0, inputs).Select(_ => Sample(rng, P)).ToArray();
            Assert.True(reference(x, P) == c.Evaluate(x)[0], $"inputs ({string.Join(", ", x)}): expected {reference(x, P)}, got {c.Evaluate(x)[0]}");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void AddModOfKSharesReducesOnce(int k)
    {
        Check(k, (zp, x) => zp.AddMod(x), (x, p) => (ulong)(x.Aggregate(UInt128.Zero, (s, v) => s + v) % p));
        Build(P, k, (zp, x) => zp.AddMod(x), out int ands);
        // k−1 adders plus one reduction from [0, k·p): for k = 2, 41 (adder) + 40 (subtraction) + the comparison with p.
        Assert.True(ands <= 41 * (k - 1) + k + 41 + 41 * (k - 1), $"AddMod of {k} shares used {ands} ANDs");
    }

    [Fact]
    public void SubMod() => Check(2, (zp, x) => zp.SubMod(x[0], x[1]), (x, p) => Mod((Int128)x[0] - x[1], p));

    [Fact]
    public void SignReluAndMux()
    {
        Check(1, (zp, x) => [zp.IsNegative(x[0])], (x, p) => Lift(x[0], p) < 0 ? 1UL : 0UL);
        Check(1, (zp, x) => zp.Relu(x[0]), (x, p) => Lift(x[0], p) < 0 ? 0 : x[0]);
        Check(3, (zp, x) => zp.Mux(x[0][0], x[1], x[2]), (x, p) => (x[0] & 1) != 0 ? x[2] : x[1]);
        Build(P, 1, (zp, x) => [zp.IsNegative(x[0])], out int signAnds);
        Assert.True(signAnds <= 40, $"a comparison with (p+1)/2 costs at most one AND per bit, used {signAnds}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(16)]
    [InlineData(40)]
    [InlineData(41)]
    [InlineData(45)]
    public void TruncateSignedFloorsTheCentredLift(int shift) =>
        Check(1, (zp, x) => zp.TruncateSigned(x[0], shift), (x, p) => Mod(Lift(x[0], p) >> Math.Min(shift, 63), p));

    [Fact]
    public void MaxSignedComparesCentredLifts() =>
        Check(2, (zp, x) => zp.MaxSigned(x[0], x[1]), (x, p) => Lift(x[0], p) >= Lift(x[1], p) ? x[0] : x[1]);

    [Theory]
    [InlineData(2, 0)]
    [InlineData(2, 10)]
    [InlineData(3, 8)]
    [InlineData(3, 16)]
    public void ReluTruncateOnTheUnreducedSum(int k, int shift)
    {
        Func<ZpArithmetic, Bit[][], Bit[]> gadget = (zp, x) =>
        {
            var (sum, max) = zp.Sum(x.Select(v => (v, (UInt128)(zp.Modulus - 1))).ToArray());
            return zp.ReluTruncate(sum, max, shift);
        };
        Check(k, gadget, (x, p) =>
        {
            long v = Lift((ulong)(x.Aggregate(UInt128.Zero, (s, e) => s + e) % p), p);
            return (ulong)Math.Max(0, v >> shift);
        });
    }

    [Fact]
    public void ReduceHandlesAnyBound()
    {
        var cb = new CircuitBuilder();
        var zp = new ZpArithmetic(cb);
        var x = cb.Input("x", "g", 44);
        UInt128 max = 5 * (UInt128)P + 12345;
        cb.Output("y", "e", zp.Reduce(x, max));
        var c = cb.Build();
        var rng = new Random(7);
        for (int n = 0; n < 3000; n++)
        {
            ulong v = n < 10 ? (ulong)(n / 2 + 1) * P - (ulong)(n % 2) : n < 12 ? (ulong)(n - 10) : (ulong)rng.NextInt64((long)(5 * P + 12346));
            Assert.Equal(v % P, c.Evaluate(v)[0]);
        }
    }

    [Fact]
    public void ComparatorMatchesForRandomConstantsAndSharesRuns()
    {
        var rng = new Random(99);
        var cb = new CircuitBuilder();
        var x = cb.Input("x", "g", 20);
        var constants = Enumerable.Range(0, 12).Select(_ => (UInt128)(ulong)rng.Next(1 << 21)).Append(UInt128.Zero).Append((UInt128)(1UL << 20)).Append((UInt128)((1UL << 20) - 1)).ToArray();
        var flags = new ConstantComparator(cb, x).AtLeast(constants);
        cb.Output("f", "e", flags);
        var c = cb.Build();
        for (int n = 0; n < 4000; n++)
        {
            ulong v = n < 64 ? (ulong)n : (ulong)rng.Next(1 << 20);
            var got = c.Evaluate(v)[0];
            for (int i = 0; i < constants.Length; i++) Assert.Equal(v >= constants[i], ((got >> i) & 1) != 0);
        }
        // Sharing: thresholds p, (p+1)/2 and 2p on a 42-bit value cost far less than three separate 41-AND chains.
        var cb2 = new CircuitBuilder();
        var y = cb2.Input("y", "g", 42);
        new ConstantComparator(cb2, y).AtLeast(P, (P + 1) / 2, 2 * P);
        Assert.InRange(cb2.AndCount, 41, 60);
    }

    [Fact]
    public void BadModuliAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZpArithmetic(new CircuitBuilder(), 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZpArithmetic(new CircuitBuilder(), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ZpArithmetic(new CircuitBuilder(), (1UL << 62) + 1));
    }
}
