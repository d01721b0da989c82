using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// A provider's labels reach the evaluator as InputLabels (group index, labels) inside <see cref="ProviderInput"/>
/// (online) and <see cref="ProviderLabels"/> (offline). The evaluator checks who sent them and how many groups, but
/// not that a provider's group is its own, nor the width: those reach <c>Evaluator.SetInput</c> at evaluation time,
/// which throws InvalidOperationException / ArgumentException / ArgumentOutOfRangeException, and a cut frame
/// FormatException — not the ProtocolViolationException or InvalidDataException the roles promise
/// (<see cref="ISecoRole.Handle"/>). The query still fails alone (the hosts catch everything), so this is hygiene: the
/// reason does not name the provider or the protocol rule, and the offline labels are not checked until the online
/// phase. (A provider forwarding *garbage* labels of its own group is not detectable at all — semi-honest only, the
/// result is silently wrong, docs/protocol-decisions.md "Threat model".)
///
/// The test asserts the promised behaviour: the evaluator refuses the frame with a named protocol violation
/// (or InvalidDataException), query 0 fails, query 1 finishes bit-exact.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class ProviderLabelValidationTests
{
    private static readonly TierSpec[] Tiers = [new TierSpec(3, 2), new TierSpec(2, 1)];

    [Theory]
    [InlineData("online: the garbler's group")]
    [InlineData("online: a group the circuit lacks")]
    [InlineData("online: one label short")]
    [InlineData("online: truncated frame")]
    [InlineData("offline: the evaluator's mask group")]
    public void A_provider_label_frame_for_a_group_not_its_own_is_refused_by_name(string tamper)
    {
        Party provider = Party.Server(1, 2), evaluator = Party.Server(1, 1);
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 2);
        BlockShape b = h.P.Block(1);
        var circuit = ReluLayers.Remote(b.Shift, b.Rows, 3);
        h.Hostile(provider).Rewrite = (to, m) => (tamper, m) switch
        {
            (var t, ProviderInput { Query: 0 } p) when t.StartsWith("online", StringComparison.Ordinal) => p with { Labels = Tamper(t, InputLabels.Read(p.Labels), circuit) },
            ("offline: the evaluator's mask group", ProviderLabels { Query: 0 } l) when l.Labels.Length > 0 =>
                l with { Labels = [.. l.Labels.Select(g => new InputLabels(ReluLayers.Group(circuit, ReluLayers.MaskGroup(1)), InputLabels.Read(g).Labels).ToBytes())] },
            _ => m,
        };
        h.Run();

        var failure = Assert.Single(h.Loop.Failures, f => f.At == evaluator);
        Assert.True(failure.Error is ProtocolViolationException or InvalidDataException,
            $"the evaluator failed query 0 on {tamper} with {failure.Error.GetType().Name}: \"{failure.Error.Message}\" — not a named protocol violation");
        Assert.Contains(0, h.Failed);
        Assert.Equal([1], h.Predicted);
        h.AssertPredictionsBitExact();
    }

    private static byte[] Tamper(string tamper, InputLabels labels, Seco.Garbling.Circuits.Circuit circuit) => tamper switch
    {
        "online: the garbler's group" => new InputLabels(ReluLayers.Group(circuit, ReluLayers.ShareGroup(0)), labels.Labels).ToBytes(),
        "online: a group the circuit lacks" => new InputLabels(circuit.Inputs.Count + 5, labels.Labels).ToBytes(),
        "online: one label short" => new InputLabels(labels.Group, labels.Labels[..^1]).ToBytes(),
        "online: truncated frame" => labels.ToBytes()[..^3],
        _ => throw new ArgumentException(tamper),
    };
}
