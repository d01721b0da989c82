using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Xunit;
using static Seco.Garbling.Tests.Circuits.ZpArithmeticTests;

namespace Seco.Garbling.Tests.Circuits;

public class SecoReluCircuitsTests
{
    /// <summary>k shares of a target value: random shares, the last chosen so they sum to v mod p (often wrapping p).</summary>
    internal static ulong[] SharesOf(ulong v, int k, Random rng, ulong p)
    {
        var s = new ulong[k];
        UInt128 acc = 0;
        for (int j = 0; j < k - 1; j++) { s[j] = Sample(rng, p); acc += s[j]; }
        s[k - 1] = (ulong)((v + (UInt128)p * (ulong)k - acc % p) % p);
        return s;
    }

    /// <summary>Pre-activation targets: the sign boundary, ±1, 0, ±(p−1)/2, multiples of 2^shift and their neighbours, uniform.</summary>
    internal static ulong Target(Random rng, ulong p, int shift)
    {
        long[] signed = [0, 1, -1, 2, -2, (long)(p / 2), -(long)(p / 2), (long)(p / 2) - 1, -(long)(p / 2) + 1,
            1L << shift, -(1L << shift), (1L << shift) - 1, -(1L << shift) + 1, (1L << shift) + 1, -(1L << shift) - 1];
        return rng.Next(3) == 0 ? (ulong)rng.NextInt64((long)p) : Mod(signed[rng.Next(signed.Length)], p);
    }

    private static void CheckRemote(Circuit c, int k, int shift, ulong p, int samples, int seed)
    {
        var rng = new Random(seed);
        for (int n = 0; n < samples; n++)
        {
            var e = SharesOf(Target(rng, p, shift), k, rng, p);
            var r = Enumerable.Range(0, k).Select(_ => Sample(rng, p)).ToArray();
            var inputs = new ulong[2 * k];
            for (int j = 0; j < k; j++) { inputs[2 * j] = e[j]; inputs[2 * j + 1] = SecoReluCircuits.Negate(r[j], p); }
            ulong expected = SecoReluCircuits.Reference(e, r, shift, p);
            Assert.True(expected == c.Evaluate(inputs)[0], $"k = {k}, shift = {shift}, E = ({string.Join(", ", e)}), r = ({string.Join(", ", r)})");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(10)]
    [InlineData(16)]
    public void GatewayMatchesTheReference(int shift)
    {
        var c = SecoReluCircuits.Gateway(shift);
        Assert.Equal(["u", "neg_r_next", "a", "neg_d"], c.Inputs.Select(g => g.Name));
        Assert.Equal(["user", "user", "A", "A"], c.Inputs.Select(g => g.Owner));
        Assert.Equal("user", c.Output("y").Owner);
        var rng = new Random(shift);
        for (int n = 0; n < 3000; n++)
        {
            var shares = SharesOf(Target(rng, P, shift), 2, rng, P);
            ulong u = shares[0], a = shares[1];
            ulong rNext = Sample(rng, P), d = Sample(rng, P);
            ulong expected = SecoReluCircuits.GatewayReference(u, a, rNext, d, shift);
            Assert.Equal(expected, c.Evaluate(u, SecoReluCircuits.Negate(rNext), a, SecoReluCircuits.Negate(d))[0]);
        }
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(2, 10)]
    [InlineData(3, 0)]
    [InlineData(3, 8)]
    [InlineData(3, 10)]
    [InlineData(3, 16)]
    public void RemoteTierMatchesTheReference(int k, int shift)
    {
        string[] owners = k == 2 ? ["B", "C"] : ["A", "B", "C"];
        var c = SecoReluCircuits.RemoteTier(shift, owners);
        Assert.Equal(2 * k, c.Inputs.Count);
        Assert.Equal(owners[0], c.Input("neg_r1").Owner);
        Assert.Equal(owners[^1], c.Input($"E{k}").Owner);
        CheckRemote(c, k, shift, P, 3000, 100 * k + shift);
    }

    /// <summary>
    /// A tier of k servers and A: k + 1 share owners (docs/hierarchy.md), for k up to 8. The share sum reaches
    /// (k + 1)(p − 1), so the comparator's quotient candidates and the final reduction grow with k; random tuples
    /// whose shares wrap p many times check them, and the AND count must grow by a bounded step per owner.
    /// </summary>
    [Theory]
    [InlineData(4, 10)]
    [InlineData(5, 10)]
    [InlineData(6, 0)]
    [InlineData(7, 10)]
    [InlineData(9, 10)]
    [InlineData(9, 16)]
    public void RemoteTierWithManyOwnersMatchesTheReference(int owners, int shift)
    {
        string[] names = [.. Enumerable.Range(0, owners).Select(j => ((char)('A' + j)).ToString())];
        var c = SecoReluCircuits.RemoteTier(shift, names);
        Assert.Equal(2 * owners, c.Inputs.Count);
        Assert.Equal(names[^1], c.Input($"neg_r{owners}").Owner);
        CheckRemote(c, owners, shift, P, 1500, 1000 * owners + shift);
        // Small modulus: the wrap-around cases are dense.
        CheckRemote(SecoReluCircuits.RemoteTier(Math.Min(shift, 2), names, modulus: 11), owners, Math.Min(shift, 2), 11, 4000, owners);
    }

    /// <summary>AND gates per ReLU as the tier widens (shift 10): docs/hierarchy.md's AND_k, k servers plus A.</summary>
    [Theory]
    [InlineData(2, 434)]
    [InlineData(3, 542)]
    [InlineData(4, 664)]
    [InlineData(8, 1131)]
    public void AndCountGrowsLinearlyWithTheTierWidth(int servers, int expectedAnds)
    {
        var c = SecoReluCircuits.RemoteTier(10, [.. Enumerable.Range(0, servers + 1).Select(j => ((char)('A' + j)).ToString())]);
        Assert.True(expectedAnds == c.Statistics.AndCount, $"k = {servers}: {c.Statistics}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void EveryInputOfASmallModulus(int shift)
    {
        // p = 13: all 13^4 (share, mask) tuples of the k = 2 circuit.
        const ulong p = 13;
        var c = SecoReluCircuits.RemoteTier(shift, ["B", "C"], modulus: p);
        for (ulong e1 = 0; e1 < p; e1++)
            for (ulong e2 = 0; e2 < p; e2++)
                for (ulong r1 = 0; r1 < p; r1++)
                    for (ulong r2 = 0; r2 < p; r2++)
                        Assert.Equal(SecoReluCircuits.Reference([e1, e2], [r1, r2], shift, p),
                            c.Evaluate(e1, SecoReluCircuits.Negate(r1, p), e2, SecoReluCircuits.Negate(r2, p))[0]);
        CheckRemote(SecoReluCircuits.RemoteTier(shift, ["A", "B", "C"], modulus: 11), 3, shift, 11, 20000, shift);
    }

    [Fact]
    public void ReferenceFollowsTheFixedPointSpec()
    {
        // v = −1 floors to −1 and ReLU gives 0; v = 2^10 + 5 with shift 10 gives 1; masks subtract mod p.
        Assert.Equal(0UL, SecoReluCircuits.Reference([P - 1, 0], [0], 10));
        Assert.Equal(1UL, SecoReluCircuits.Reference([1024, 5], [], 10));
        Assert.Equal(P - 2, SecoReluCircuits.Reference([P - 5, 1029 + 5], [3], 10)); // 1 − 3
        Assert.Equal(P - 1, SecoReluCircuits.Negate(1));
        Assert.Equal(0UL, SecoReluCircuits.Negate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SecoReluCircuits.Negate(P));
    }

    /// <summary>
    /// The AND counts (the garbling cost) recorded in docs/circuits.md. They depend on the shift only through the
    /// width of the shifted value (41 − 1 − shift bits are subtracted and ANDed with ¬sign).
    /// </summary>
    [Theory]
    [InlineData(2, 0, 342)]
    [InlineData(2, 10, 321)]
    [InlineData(3, 10, 434)]
    [InlineData(3, 16, 422)]
    public void AndCountsAreRecorded(int k, int shift, int expectedAnds)
    {
        var c = k == 2 ? SecoReluCircuits.Gateway(shift) : SecoReluCircuits.RemoteTier(shift, ["A", "B", "C"]);
        Assert.True(expectedAnds == c.Statistics.AndCount, $"k = {k}, shift = {shift}: {c.Statistics}");
        int naive = NaiveAnds(k, shift);
        Assert.True(c.Statistics.AndCount < naive, $"optimised {c.Statistics.AndCount} vs naive {naive}");
    }

    [Fact]
    public void NaiveCompositionIsCorrectAndCounted()
    {
        // The comparison baseline must compute the same function, or the comparison means nothing.
        var c = Naive(2, 10, out _);
        var rng = new Random(5);
        for (int n = 0; n < 500; n++)
        {
            var e = SharesOf(Target(rng, P, 10), 2, rng, P);
            ulong r1 = Sample(rng, P), r2 = Sample(rng, P);
            Assert.Equal(SecoReluCircuits.Reference(e, [r1, r2], 10), c.Evaluate(e[0], e[1], r1, r2)[0]);
        }
        Assert.Equal(446, NaiveAnds(2, 10));
        Assert.Equal(651, NaiveAnds(3, 10));
    }

    private static int NaiveAnds(int k, int shift)
    {
        Naive(k, shift, out int ands);
        return ands;
    }

    /// <summary>
    /// The textbook composition (Delphi-style): modular addition share by share (add, subtract p, multiplex), a sign
    /// comparison, ReLU as a multiplexer with 0, truncation, then one modular subtraction per mask.
    /// </summary>
    private static Circuit Naive(int k, int shift, out int ands)
    {
        var cb = new CircuitBuilder();
        var zp = new ZpArithmetic(cb);
        var e = Enumerable.Range(0, k).Select(j => cb.Input($"E{j}", "g", zp.Width)).ToArray();
        var r = Enumerable.Range(0, k).Select(j => cb.Input($"r{j}", "g", zp.Width)).ToArray();
        var v = e[0];
        for (int j = 1; j < k; j++)
        {
            var sum = zp.Add(v, e[j], zp.Width + 1);
            var diff = zp.Subtract(sum, ZpArithmetic.Constant(zp.Modulus, zp.Width + 1), zp.Width + 1, Bit.Zero, out var below);
            v = zp.Mux(below, diff, sum)[..zp.Width];
        }
        var negative = zp.IsNegative(v);
        var t = zp.TruncateSigned(v, shift);
        var y = zp.Mux(negative, t, ZpArithmetic.Constant(0, zp.Width));
        foreach (var m in r) y = zp.SubMod(y, m);
        ands = cb.AndCount;
        cb.Output("y", "e", y);
        return cb.Build();
    }

    [Fact]
    public void BatchedLayerOfMiniOnnSize()
    {
        const int n = 2304;
        var single = SecoReluCircuits.RemoteTier(10, ["A", "B", "C"]);
        var layer = CircuitBatch.Replicate(single, n);
        Assert.Equal((long)n * single.Statistics.AndCount, layer.Statistics.AndCount);
        Assert.Equal((long)n * single.Statistics.XorCount, layer.Statistics.XorCount);
        Assert.Equal(single.Statistics.AndDepth, layer.Statistics.AndDepth);
        Assert.Equal(single.Inputs.Select(g => (g.Name, g.Owner)), layer.Inputs.Select(g => (g.Name, g.Owner)));
        Assert.All(layer.Inputs, g => Assert.Equal(n * 41, g.Width));

        // Neuron i occupies bits [41·i, 41·(i+1)) of every group.
        var rng = new Random(3);
        var values = new ulong[layer.Inputs.Count][];
        var bits = new bool[layer.Inputs.Count][];
        for (int g = 0; g < bits.Length; g++)
        {
            values[g] = Enumerable.Range(0, n).Select(_ => Sample(rng, P)).ToArray();
            bits[g] = values[g].SelectMany(v => Circuit.ToBits(v, 41)).ToArray();
        }
        var output = layer.Evaluate(bits)[0];
        for (int i = 0; i < n; i++)
        {
            ulong expected = SecoReluCircuits.Reference([values[0][i], values[2][i], values[4][i]],
                [P - values[1][i], P - values[3][i], P - values[5][i]], 10);
            Assert.Equal(expected % P, Circuit.FromBits(output[(41 * i)..(41 * (i + 1))]));
        }
    }
}
