using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// Message validation across tiers (defence check, expected to pass): one real run of the MLP at l = 0 on tier 1 =
/// three servers (blocks 1–2) and tier 2 = two servers (block 3), fourteen queries. Query 0 and the last are clean;
/// each query in between gets one hostile frame, sent when the query is prepared everywhere (its QueryReady reaches
/// the user) and before its online phase: a server of another tier, a provider posing as the garbler, a non-last
/// tier sending output, a block of another tier, a replayed preparation message. Each must fail exactly its own
/// query, at the recipient, with a ProtocolViolationException; the clean queries finish bit-exact.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class CrossTierSenderTests
{
    private static readonly Party G1 = Party.Server(1, 0), V1 = Party.Server(1, 1), P1 = Party.Server(1, 2), G2 = Party.Server(2, 0), V2 = Party.Server(2, 1);

    private static readonly (string What, Func<int, Hierarchy, (Party From, Party To, SecoMessage Message)> Frame)[] Cases =
    [
        ("tier 1's garbler hands tier 2 the boundary activation", (q, h) => (G1, V2, new MaskedActivation(q, 3, new ulong[128]))),
        ("tier 1's evaluator hands tier 2 an inside block", (q, h) => (V1, G2, new MaskedActivation(q, 2, new ulong[128]))),
        ("tier 2's garbler sends tier 1's evaluator garbler labels", (q, h) => (G2, V1, new GarblerInput(q, 1, new byte[8]))),
        ("tier 2's evaluator sends tier 1's evaluator provider labels", (q, h) => (V2, V1, new ProviderInput(q, 1, new byte[8]))),
        ("tier 2's evaluator sends tier 1's garbler linear shares", (q, h) => (V2, G1, new LinearShares(q, [new byte[8], new byte[8]]))),
        ("a provider poses as its garbler", (q, h) => (P1, V1, new GarblerInput(q, 1, new byte[8]))),
        ("a non-last tier sends an output share", (q, h) => (V1, Party.Gateway, new OutputCiphertext(q, new byte[8]))),
        ("a garbler announces readiness", (q, h) => (G1, Party.Gateway, new EvaluatorReady(q))),
        ("a provider asks for the share labels of another tier's block", (q, h) => (P1, G1, new OtRequest(q, OtPurpose.EvaluatorShare, 3, new byte[8]))),
        ("a tier-2 server aborts a tier-1 server's query", (q, h) => (G2, P1, new QueryAborted(q, ProtocolPhase.Online, "hostile"))),
        ("a provider replays its offline labels", (q, h) => Replay(h, q, P1, V1, m => m is ProviderLabels)),
        ("a tier-2 server replays its mask shares", (q, h) => Replay(h, q, G2, Party.Gateway, m => m is MaskShares)),
        ("a tier-2 server replays its decryption shares", (q, h) => Replay(h, q, V2, Party.Gateway, m => m is DecryptionShares)),
    ];

    [Fact]
    public void Each_hostile_frame_fails_its_own_query_at_the_recipient_with_a_protocol_violation()
    {
        int queries = Cases.Length + 2;
        Hierarchy? h = null;
        var sent = new Dictionary<int, (string What, Party To)>();
        h = new Hierarchy("mlp.onnx", 0, [new TierSpec(3, 2), new TierSpec(2, 1)], queries, inject: (from, to, m) =>
        {
            if (m is not QueryReady { Query: var q } || q < 1 || q > Cases.Length || sent.ContainsKey(q))
                return [];
            (string what, var frame) = Cases[q - 1];
            (Party f, Party t, SecoMessage message) = frame(q, h!);
            sent[q] = (what, t);
            return [(f, t, message)];
        });
        h.Run();

        var problems = new List<string>();
        for (int q = 1; q <= Cases.Length; q++)
        {
            string what = Cases[q - 1].What;
            if (!sent.TryGetValue(q, out var s))
            {
                problems.Add($"q{q} ({what}): never sent");
                continue;
            }
            var failure = h.Loop.Failures.FirstOrDefault(f => f.Message is QueryMessage qm && qm.Query == q);
            if (failure.Error is null)
                problems.Add($"q{q} ({what}): accepted without a failure");
            else if (failure.At != s.To || failure.Error is not ProtocolViolationException)
                problems.Add($"q{q} ({what}): failed at {failure.At} with {failure.Error.GetType().Name}: {failure.Error.Message}");
            if (!h.Failed.Contains(q))
                problems.Add($"q{q} ({what}): the user never saw the query fail");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal([0, queries - 1], h.Predicted);
        h.AssertPredictionsBitExact();
    }

    /// <summary>The query's first real message of the kind from <paramref name="from"/> to <paramref name="to"/>, sent again.</summary>
    private static (Party, Party, SecoMessage) Replay(Hierarchy h, int q, Party from, Party to, Func<SecoMessage, bool> kind) =>
        (from, to, h.Loop.Delivered.First(d => d.From == from && d.To == to && d.Message is QueryMessage qm && qm.Query == q && kind(d.Message)).Message);
}
