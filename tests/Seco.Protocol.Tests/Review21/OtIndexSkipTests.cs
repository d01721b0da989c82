using System.Buffers.Binary;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review21;

/// <summary>
/// Review 21: an OT matrix whose header starts its batch far past the receiver's OT index. The sender must accept a
/// batch that starts later than its own index (the receiver burned the batches of an aborted query, docs/hierarchy.md),
/// so a hostile frame naming the right query and block but a later first index is served — and moves the sender's
/// index past the receiver's. The query it names must fail, by name; the queries after it must not: the receiver
/// learns from the reply where the sender now is, and goes on from there.
/// </summary>
[Trait("Category", "SecurityReview21")]
public class OtIndexSkipTests
{
    /// <summary>κ: IKNP batches start at multiples of it.</summary>
    private const ulong Kappa = 128;

    /// <summary>A copy of an honest OT matrix with its first index moved <paramref name="ahead"/> stream blocks on.</summary>
    internal static byte[] Skipped(byte[] matrix, ulong ahead)
    {
        byte[] copy = [.. matrix];
        ulong first = BinaryPrimitives.ReadUInt64LittleEndian(copy.AsSpan(5));
        BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(5), first + (ahead * Kappa));
        return copy;
    }

    /// <summary>
    /// DELPHI between the user and A (the MLP at l = L): a hostile network copies query 0's first label request and
    /// puts it before query 1's own, for query 1's first F_A ReLU block, its index 2²⁰ stream blocks on. Query 1 fails;
    /// queries 2 and 3 run bit-exact.
    /// </summary>
    [Fact]
    public void A_user_label_request_skipping_OT_indices_fails_its_query_only()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 4);
        int split = model.Blocks.Count;
        byte[]? honest = null;
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, split, EndToEndTests.Context.Value), inputs, failQueries: true,
            inject: (from, to, m) =>
            {
                if (m is OtRequest { Purpose: OtPurpose.UserLabels, Query: 0, Block: 1 } r)
                    honest = [.. r.Matrix];
                return m is UserPreprocessing { Query: 1 } ? [(Party.User, Party.Gateway, new OtRequest(1, OtPurpose.UserLabels, 1, Skipped(honest!, 1 << 20)))] : [];
            });
        loop.Run();

        Assert.Equal([1], loop.Events.OfType<QueryFailed>().Select(f => f.Query));
        Assert.Equal([0, 2, 3], loop.Events.OfType<PredictionReady>().Select(p => p.Query));
        foreach (PredictionReady p in loop.Events.OfType<PredictionReady>())
            Assert.Equal(FixedPointReference.Forward(model, inputs[p.Query].Select(Seco.Nn.Field.PrimeField.ToSigned).ToArray()).Logits,
                p.Logits.Select(Seco.Nn.Field.PrimeField.ToSigned));
        Assert.All(loop.Failures, f => Assert.Equal(1, ((QueryMessage)f.Message).Query));
    }

    /// <summary>
    /// The DELPHI-3 baseline (MLP at l = 0): a hostile network puts a copy of A's query-0 request for its labels of the
    /// first F_BC ReLU block before A's own request of query 1, its index 2²⁰ stream blocks on. B serves it (its
    /// sender index jumps); query 1 fails; queries 2 and 3 run bit-exact.
    /// </summary>
    /// <remarks>With <paramref name="later"/> the frame names the second ReLU block, before the first was served: B must
    /// refuse it as out of block order (else A, waiting for the first block, refuses the reply by its block without
    /// reading its index, and B's index stays ahead of A's).</remarks>
    [Theory]
    [InlineData(FbcProtocol.Delphi3, false)]
    [InlineData(FbcProtocol.Seco, false)]
    [InlineData(FbcProtocol.Delphi3, true)]
    [InlineData(FbcProtocol.Seco, true)]
    public void A_gateway_label_request_skipping_OT_indices_fails_its_query_only(FbcProtocol protocol, bool later)
    {
        byte[]? honest = null;
        int first = 0;
        bool decrypted = false, sent = false;
        var h = new Hierarchy("mlp.onnx", 0, [new TierSpec(2, 3)], 4, protocol: protocol, inject: (from, to, m) =>
        {
            if (m is OtRequest { Purpose: OtPurpose.ProviderLabels, Query: 0 } r && honest is null)
            {
                honest = [.. r.Matrix];
                first = r.Block + (later ? 1 : 0);
            }
            // Right after B has decrypted query 1 (it serves A's labels from then on), before A's own request reaches it.
            if (!decrypted || sent)
                return [];
            sent = true;
            return [(Party.Gateway, Party.Garbler, new OtRequest(1, OtPurpose.ProviderLabels, first, Skipped(honest!, 1 << 20)))];
        });
        h.Hostile(Party.Garbler).Rewrite = (to, m) =>
        {
            if (m is DecryptionShares { Query: 1 })
                decrypted = true;
            return m;
        };
        h.Run();

        Assert.True(sent);
        Assert.True(h.Failed.SequenceEqual([1]), string.Join("\n", h.Loop.Failures.Select(f => $"{f.At} {f.Message.GetType().Name} q{((QueryMessage)f.Message).Query}: {f.Error.Message}")));
        Assert.Equal([0, 2, 3], h.Predicted);
        h.AssertPredictionsBitExact();
    }
}
