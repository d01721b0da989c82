using Seco.Garbling.Circuits;
using Xunit;

namespace Seco.Garbling.Tests.Circuits;

public class CircuitTests
{
    /// <summary>A 4-bit ripple-carry adder: 1 AND per full adder (carry = c ⊕ ((a ⊕ c) ∧ (b ⊕ c))).</summary>
    private static Circuit Adder4()
    {
        var cb = new CircuitBuilder();
        var a = cb.Input("a", "garbler", 4);
        var b = cb.Input("b", "evaluator", 4);
        var sum = new Bit[5];
        Bit carry = Bit.Zero;
        for (int i = 0; i < 4; i++)
        {
            sum[i] = cb.Xor(cb.Xor(a[i], b[i]), carry);
            carry = cb.Xor(carry, cb.And(cb.Xor(a[i], carry), cb.Xor(b[i], carry)));
        }
        sum[4] = carry;
        cb.Output("sum", "evaluator", sum);
        return cb.Build();
    }

    [Fact]
    public void AdderEvaluatesEveryInput()
    {
        var c = Adder4();
        for (ulong a = 0; a < 16; a++)
            for (ulong b = 0; b < 16; b++)
                Assert.Equal(a + b, c.Evaluate(a, b)[0]);
        // One AND per full adder (the carry-in 0 folds its XORs, not its AND); the carries form a chain.
        Assert.Equal(4, c.Statistics.AndCount);
        Assert.Equal(4, c.Statistics.AndDepth);
        Assert.Equal(128, c.Statistics.GarbledBytes);
    }

    [Fact]
    public void ConstantsFoldAndConstantOutputsMaterialise()
    {
        var cb = new CircuitBuilder();
        var x = cb.Input("x", "g", 1)[0];
        Assert.Equal(Bit.Zero, cb.And(x, Bit.Zero));
        Assert.Equal(x, cb.And(x, Bit.One));
        Assert.Equal(x, cb.Xor(x, Bit.Zero));
        Assert.Equal(Bit.Zero, cb.Xor(x, x));
        Assert.Equal(x, cb.And(x, x));
        Assert.Equal(0, cb.AndCount);
        cb.Output("k", "e", [Bit.One, Bit.Zero, cb.Not(x)]);
        var c = cb.Build();
        Assert.Equal(0b101UL, c.Evaluate(0UL)[0]);
        Assert.Equal(0b001UL, c.Evaluate(1UL)[0]);
    }

    [Fact]
    public void MuxAndOrCostOneAndEach()
    {
        var cb = new CircuitBuilder();
        var v = cb.Input("v", "g", 3);
        cb.Output("mux", "e", [cb.Mux(v[0], v[1], v[2])]);
        cb.Output("or", "e", [cb.Or(v[1], v[2])]);
        var c = cb.Build();
        Assert.Equal(2, c.Statistics.AndCount);
        for (ulong i = 0; i < 8; i++)
        {
            bool s = (i & 1) != 0, a = (i & 2) != 0, b = (i & 4) != 0;
            var r = c.Evaluate(i);
            Assert.Equal(s ? b : a, r[0] == 1);
            Assert.Equal(a | b, r[1] == 1);
        }
    }

    [Fact]
    public void MalformedCircuitsAreRejectedWithTheReason()
    {
        WireGroup In(params int[] w) => new("in", "g", w);
        WireGroup Out(params int[] w) => new("out", "e", w);
        var e1 = Assert.Throws<FormatException>(() => new Circuit(3, [In(0)], [Out(2)], [new Gate(GateKind.And, 0, 1, 2)]));
        Assert.Contains("before it is defined", e1.Message);
        var e2 = Assert.Throws<FormatException>(() => new Circuit(2, [In(0, 1)], [Out(1)], [new Gate(GateKind.Xor, 0, 1, 1)]));
        Assert.Contains("already defined", e2.Message);
        var e3 = Assert.Throws<FormatException>(() => new Circuit(2, [In(0)], [Out(1)], [new Gate(GateKind.Inv, 0, -1, 5)]));
        Assert.Contains("outside", e3.Message);
        var e4 = Assert.Throws<FormatException>(() => new Circuit(2, [In(0)], [Out(1)], []));
        Assert.Contains("nothing defines", e4.Message);
        Assert.Throws<ArgumentException>(() => Adder4().Evaluate(1UL));
        Assert.Throws<KeyNotFoundException>(() => Adder4().Input("nope"));
    }
}
