using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review21;

/// <summary>
/// Review 21: one of B's OT replies for query 1 arrives truncated (a hostile network, or B). The receiver refuses it and
/// fails query 1; its IKNP batch must be given up with the query, or the next query's first batch on the same channel
/// is refused ("the batch still waits for the sender's reply") and a second query fails for the first one's frame.
/// Both protocols; the receivers are A (its E¹, −r¹ labels), and C (its mask labels offline, its share labels online —
/// C is the provider in DELPHI-3 and the evaluator in SECO).
/// </summary>
[Trait("Category", "SecurityReview21")]
public class MalformedOtReplyTests
{
    [Theory]
    [InlineData(FbcProtocol.Delphi3, OtPurpose.ProviderLabels)]
    [InlineData(FbcProtocol.Delphi3, OtPurpose.EvaluatorMasks)]
    [InlineData(FbcProtocol.Delphi3, OtPurpose.EvaluatorShare)]
    [InlineData(FbcProtocol.Seco, OtPurpose.ProviderLabels)]
    [InlineData(FbcProtocol.Seco, OtPurpose.EvaluatorMasks)]
    [InlineData(FbcProtocol.Seco, OtPurpose.EvaluatorShare)]
    public void A_truncated_OT_reply_fails_its_query_only(FbcProtocol protocol, OtPurpose purpose)
    {
        bool cut = false;
        var h = new Hierarchy("mlp.onnx", 0, [new TierSpec(2, 3)], 3, protocol: protocol);
        h.Hostile(Party.Garbler).Rewrite = (to, m) =>
        {
            if (cut || m is not OtResponse { Query: 1 } r || r.Purpose != purpose)
                return m;
            cut = true;
            return r with { Payload = r.Payload[..^16] };
        };
        h.Run();

        Assert.True(cut);
        Assert.True(h.Failed.SequenceEqual([1]), string.Join("\n", h.Loop.Failures.Select(f => $"{f.At} {f.Message.GetType().Name} q{((QueryMessage)f.Message).Query}: {f.Error.Message}")));
        Assert.Equal([0, 2], h.Predicted);
        h.AssertPredictionsBitExact();
    }
}
