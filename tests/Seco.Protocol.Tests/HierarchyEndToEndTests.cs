using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// Wider and deeper hierarchies (docs/hierarchy.md): k servers in a tier, several tiers, each for two split points;
/// the user's logits must equal the plaintext fixed-point reference bit for bit.
/// </summary>
public class HierarchyEndToEndTests
{
    internal static ProtocolLoopback Run(string modelFile, int split, TierSpec[] tiers, int queries = 1)
    {
        FixedPointModel model = EndToEndTests.Model(modelFile);
        ulong[][] inputs = EndToEndTests.Inputs(model, queries);
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, split, EndToEndTests.Context.Value, tiers: tiers), inputs);
        loop.Run();
        var predictions = loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal(Enumerable.Range(0, queries), predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
        {
            long[] expected = FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits;
            Assert.Equal(expected, p.Logits.Select(PrimeField.ToSigned).ToArray());
        }
        return loop;
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 3)]
    [InlineData(0, 4)]
    [InlineData(1, 4)]
    public void One_tier_of_k_servers_is_bit_exact(int split, int k)
    {
        ProtocolLoopback loop = Run("mlp.onnx", split, [new TierSpec(k, 3 - split)]);
        // Every server of the tier took part: each sent its decryption shares and its output share.
        for (int j = 0; j < k; j++)
        {
            Party server = Party.Server(1, j);
            Assert.Contains(loop.Delivered, d => d.From == server && d.Message is DecryptionShares);
            Assert.Contains(loop.Delivered, d => d.From == server && d.Message is OutputCiphertext);
        }
        // Providers give their online shares through the evaluator only.
        Assert.All(loop.Delivered.Where(d => d.Message is ProviderInput), d => Assert.Equal(Party.Server(1, 1), d.To));
        Assert.Equal(split == 0 ? 2 * (k - 2) : k - 2, loop.Delivered.Count(d => d.Message is ProviderInput));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Two_tiers_of_two_are_bit_exact(int split)
    {
        ProtocolLoopback loop = Run("mlp.onnx", split, SecoParameters.EvenTiers([2, 2], 3 - split));
        // The boundary: tier 1's evaluator hands x − r of tier 2's first block to both servers of tier 2, nobody else.
        int boundary = split + 1 + (split == 0 ? 2 : 1);
        var handed = loop.Delivered.Where(d => d.Message is MaskedActivation m && m.Block == boundary).ToList();
        Assert.Equal([Party.Server(2, 0), Party.Server(2, 1)], handed.Select(d => d.To).Order());
        Assert.All(handed, d => Assert.Equal(Party.Server(1, 1), d.From));
        // Only the last tier sends output shares, and only it learns pk0.
        Assert.All(loop.Delivered.Where(d => d.Message is OutputCiphertext && d.To.IsGateway), d => Assert.Equal(2, d.From.Tier));
        Assert.All(loop.Delivered.Where(d => d.Message is UserPublicKey), d => Assert.Equal(2, d.To.Tier));
    }

    [Fact]
    public void Three_tiers_of_widths_two_three_two_are_bit_exact_on_the_mlp() =>
        Run("mlp.onnx", 0, [new TierSpec(2, 1), new TierSpec(3, 1), new TierSpec(2, 1)]);
}
