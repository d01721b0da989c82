using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Protocol.Crypto;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>The OT sender's pooled label pairs (issue 19) are (W⁰, W⁰ ⊕ Δ) of each group in order, and unreadable once disposed.</summary>
public class LabelPairBufferTests
{
    [Fact]
    public void Pairs_are_each_group_s_zero_labels_and_their_delta_complements_in_order()
    {
        var first = new Garbler(ReluLayers.Remote(shift: 4, neurons: 3));
        var second = new Garbler(ReluLayers.Remote(shift: 4, neurons: 5));
        (Garbler, string)[] groups = [(first, "E1"), (second, "neg_r1"), (first, ReluLayers.MaskGroup(1))];
        var expected0 = new List<Block>();
        var expected1 = new List<Block>();
        foreach ((Garbler g, string name) in groups)
            foreach (Block w in g.InputEncoding.ZeroLabels(name))
            {
                expected0.Add(w);
                expected1.Add(w ^ g.InputEncoding.Delta);
            }

        LabelPairBuffer pairs = ReluLayers.LabelPairs(groups);
        Assert.Equal(expected0, pairs.X0.ToArray());
        Assert.Equal(expected1, pairs.X1.ToArray());
        Assert.NotEqual(first.InputEncoding.Delta, second.InputEncoding.Delta);
        pairs.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pairs.X0.Length);
        pairs.Dispose(); // twice is harmless
    }
}
