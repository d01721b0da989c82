using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Delphi3;

/// <summary>
/// Message validation in the DELPHI-3 baseline: one real run of the MLP at l = 0 (F_BC = blocks 1..3, two ReLU blocks),
/// every role behind a <see cref="HostileRole"/>. Query 0 and the last are clean; each query between gets one hostile
/// frame — B's share labels sent to C, C's kind of message from B, a second copy of C's share labels, and the offline
/// messages of the new routes from the wrong server. Each must fail exactly its own query, at the recipient, with a
/// ProtocolViolationException that names the problem; the clean queries finish bit-exact.
/// </summary>
public class Delphi3HostileSenderTests
{
    private static readonly Party A = Party.Gateway, B = Party.Server(1, 0), C = Party.Server(1, 1);

    /// <summary>When a delivered message (from, to, message) of the query triggers the frame, and the frame; and what the refusal must say.</summary>
    private sealed record Case(string What, Func<Party, Party, SecoMessage, bool> Trigger, Func<Party, Party, SecoMessage, (Party From, Party To, SecoMessage Message)> Frame,
        Party At, string Says);

    private static bool First(SecoMessage m) => m is GarblerInput { Block: 1 } or ProviderInput { Block: 1 };

    private static readonly Case[] Cases =
    [
        new("B's share labels arrive at C", (f, t, m) => f == B && t == A && m is GarblerInput && First(m), (f, t, m) => (B, C, m),
            C, "a provider does not expect GarblerInput"),
        new("B sends A labels as if C's", (f, t, m) => f == C && t == A && m is ProviderInput && First(m), (f, t, m) => (B, A, m),
            A, "ProviderInput must come from C (tier 1's server 1, the input provider) in the DELPHI-3 baseline, not tier 1 garbler"),
        new("C's share labels arrive twice", (f, t, m) => f == C && t == A && m is ProviderInput && First(m), (f, t, m) => (C, A, m),
            A, "tier 1 evaluator's share labels for block 1 of query"),
        new("C poses as the garbler online", (f, t, m) => f == C && t == A && m is ProviderInput && First(m), (f, t, m) => (C, A, new GarblerInput(((QueryMessage)m).Query, 2, ((ProviderInput)m).Labels)),
            A, "GarblerInput must come from B (tier 1's garbler) in the DELPHI-3 baseline, not tier 1 evaluator"),
        new("C sends A a garbled layer", (f, t, m) => m is QueryReady, (f, t, m) => (C, A, new GarbledCircuits(((QueryMessage)m).Query, [])),
            A, "GarbledCircuits must come from B (tier 1's garbler)"),
        new("B sends A next-mask labels as if C's", (f, t, m) => m is QueryReady, (f, t, m) => (B, A, new ProviderLabels(((QueryMessage)m).Query, 0, [])),
            A, "ProviderLabels must come from C"),
        new("C asks B for a circuit", (f, t, m) => m is QueryReady, (f, t, m) => (C, B, new CircuitRequest(((QueryMessage)m).Query, 1)),
            B, "CircuitRequest must come from gateway"),
        new("C announces itself ready as SECO's evaluator would", (f, t, m) => m is QueryReady, (f, t, m) => (C, A, new EvaluatorReady(((QueryMessage)m).Query)),
            A, "the gateway does not expect EvaluatorReady"),
    ];

    [Fact]
    public void Each_hostile_frame_fails_its_own_query_at_the_recipient_with_a_named_protocol_violation()
    {
        int queries = Cases.Length + 2;
        var sent = new Dictionary<int, Case>();
        var h = new Hierarchy("mlp.onnx", 0, [new TierSpec(2, 3)], queries, protocol: FbcProtocol.Delphi3, inject: (from, to, m) =>
        {
            if (m is not QueryMessage { Query: var q } || q < 1 || q > Cases.Length || sent.ContainsKey(q) || !Cases[q - 1].Trigger(from, to, m))
                return [];
            sent[q] = Cases[q - 1];
            return [Cases[q - 1].Frame(from, to, m)];
        });
        Assert.Equal(FbcProtocol.Delphi3, h.P.Protocol);
        h.Run();

        var problems = new List<string>();
        for (int q = 1; q <= Cases.Length; q++)
        {
            Case c = Cases[q - 1];
            if (!sent.ContainsKey(q))
            {
                problems.Add($"q{q} ({c.What}): never sent");
                continue;
            }
            var failure = h.Loop.Failures.FirstOrDefault(f => f.Message is QueryMessage qm && qm.Query == q);
            if (failure.Error is null)
                problems.Add($"q{q} ({c.What}): accepted without a failure");
            else if (failure.At != c.At || failure.Error is not ProtocolViolationException || !failure.Error.Message.Contains(c.Says, StringComparison.Ordinal))
                problems.Add($"q{q} ({c.What}): failed at {failure.At} with {failure.Error.GetType().Name}: {failure.Error.Message}");
            if (!h.Failed.Contains(q))
                problems.Add($"q{q} ({c.What}): the user never saw the query fail");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal([0, queries - 1], h.Predicted);
        h.AssertPredictionsBitExact();
    }
}
