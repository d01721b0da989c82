using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Delphi3;

/// <summary>
/// Who talks to whom in the DELPHI-3 baseline (paper App. C) against SECO on the same model and split (MiniONN at l = 1:
/// two F_BC ReLU blocks and the output block; three queries). DELPHI-3: B's circuits go to A, A pulls them, C forwards its
/// labels to A, and online A takes B's and C's share labels and hands every x_{i+1} − r_{i+1} to B and C — all of A, B, C
/// are online. SECO: A's last online message to the servers is the transition; F_BC runs between B and C only.
/// </summary>
public class Delphi3MessageFlowTests
{
    private const int Queries = 3;

    private static readonly Party A = Party.Gateway, B = Party.Server(1, 0), C = Party.Server(1, 1);

    private static readonly Lazy<FixedPointModel> Model = new(() => EndToEndTests.Model("minionn.onnx"));

    private static readonly Lazy<ulong[][]> Inputs = new(() => EndToEndTests.Inputs(Model.Value, Queries));

    private static readonly Dictionary<FbcProtocol, Lazy<ProtocolLoopback>> Runs = new()
    {
        [FbcProtocol.Delphi3] = new(() => Delphi3EndToEndTests.RunBitExact(Model.Value, Delphi3EndToEndTests.Deploy(Model.Value, 1), Inputs.Value)),
        [FbcProtocol.Seco] = new(() => Delphi3EndToEndTests.RunBitExact(Model.Value, Delphi3EndToEndTests.Deploy(Model.Value, 1, FbcProtocol.Seco), Inputs.Value)),
    };

    /// <summary>MiniONN's F_BC at l = 1: blocks 2, 3 (ReLU) and 4 (output).</summary>
    private static readonly int[] ReluBlocks = [2, 3];

    private static List<(Party From, Party To, SecoMessage Message, int Bytes)> Delivered(FbcProtocol protocol) => Runs[protocol].Value.Delivered;

    private static int Count<T>(FbcProtocol protocol, Party from, Party to) where T : SecoMessage =>
        Delivered(protocol).Count(d => d.From == from && d.To == to && d.Message is T);

    [Fact]
    public void Online_A_takes_B_s_and_C_s_share_labels_and_hands_every_masked_activation_to_both()
    {
        const FbcProtocol d3 = FbcProtocol.Delphi3;
        Assert.Equal(Queries * ReluBlocks.Length, Count<GarblerInput>(d3, B, A));
        Assert.Equal(Queries * ReluBlocks.Length, Count<ProviderInput>(d3, C, A));
        foreach (Party server in new[] { B, C })
        {
            // x_2 − r_2 (the transition), then x_3 − r_3 and x_4 − r_4 out of A's circuits — from A alone.
            int[] blocks = [.. Delivered(d3).Where(d => d.From == A && d.To == server && d.Message is MaskedActivation).Select(d => ((MaskedActivation)d.Message).Block)];
            Assert.Equal(Enumerable.Range(0, Queries).SelectMany(_ => new[] { 2, 3, 4 }), blocks);
            Assert.DoesNotContain(Delivered(d3), d => d.To == server && d.From != A && d.Message is MaskedActivation);
        }
        // The share labels travel only to A; B and C exchange only C's OT for its share (C never sees a label of B's).
        Assert.All(Delivered(d3).Where(d => d.Message is GarblerInput or ProviderInput && !d.To.IsUser), d => Assert.Equal(A, d.To));
        Assert.Equal(Queries * ReluBlocks.Length, Delivered(d3).Count(d => d.From == C && d.To == B && d.Message is OtRequest { Purpose: OtPurpose.EvaluatorShare }));
    }

    [Fact]
    public void Offline_B_s_circuits_go_to_A_on_A_s_request_and_C_forwards_its_mask_labels_to_A()
    {
        const FbcProtocol d3 = FbcProtocol.Delphi3;
        Assert.Equal(Queries * ReluBlocks.Length, Count<CircuitRequest>(d3, A, B));
        Assert.Equal(Queries * ReluBlocks.Length, Count<GarbledCircuits>(d3, B, A));
        Assert.Equal(Queries, Count<ProviderLabels>(d3, C, A));
        Assert.Equal(Queries * ReluBlocks.Length, Delivered(d3).Count(d => d.From == A && d.To == B && d.Message is OtRequest { Purpose: OtPurpose.ProviderLabels }));
        // A keeps its own labels (it evaluates): no ProviderLabels from A, and no server announces itself ready.
        Assert.DoesNotContain(Delivered(d3), d => d.From == A && d.Message is ProviderLabels);
        Assert.DoesNotContain(Delivered(d3), d => d.Message is EvaluatorReady);
        Assert.Equal(Queries, Delivered(d3).Count(d => d.From == A && d.To.IsUser && d.Message is QueryReady));
    }

    [Fact]
    public void C_never_receives_a_circuit_or_a_label_of_another_party()
    {
        const FbcProtocol d3 = FbcProtocol.Delphi3;
        Type[] received = [.. Delivered(d3).Where(d => d.To == C).Select(d => d.Message.GetType()).Distinct()];
        Assert.DoesNotContain(typeof(GarbledCircuits), received);
        Assert.DoesNotContain(typeof(GarblerInput), received);
        Assert.DoesNotContain(typeof(ProviderLabels), received);
        Assert.DoesNotContain(typeof(ProviderInput), received);
        Assert.DoesNotContain(typeof(CircuitRequest), received);
        // Its labels come only as OT responses from B, for its own choices.
        Assert.All(Delivered(d3).Where(d => d.To == C && d.Message is OtResponse), d => Assert.Equal(B, d.From));
    }

    [Fact]
    public void In_DELPHI_3_all_three_servers_are_online_in_SECO_A_is_idle_after_the_transition()
    {
        Dictionary<Party, int> Online(FbcProtocol protocol) => Delivered(protocol)
            .Where(d => d.Message.Phase == ProtocolPhase.Online && !d.From.IsUser && !d.To.IsUser)
            .GroupBy(d => d.From).ToDictionary(g => g.Key, g => g.Count());

        Dictionary<Party, int> d3 = Online(FbcProtocol.Delphi3), seco = Online(FbcProtocol.Seco);
        // DELPHI-3: A hands out x − r three times a query (transition and two circuit outputs) to B and C; B its share
        // labels and C's OT responses; C its OT requests and forwarded labels.
        Assert.Equal(Queries * 3 * 2, d3[A]);
        Assert.Equal(Queries * ReluBlocks.Length * 2, d3[B]);
        Assert.Equal(Queries * ReluBlocks.Length * 2, d3[C]);
        // SECO: A sends the transition to B and C and nothing else among the servers online.
        Assert.Equal(Queries * 2, seco[A]);
        Assert.All(Delivered(FbcProtocol.Seco).Where(d => d.From == A && !d.To.IsUser && d.Message.Phase == ProtocolPhase.Online),
            d => Assert.Equal(2, Assert.IsType<MaskedActivation>(d.Message).Block));
        Assert.DoesNotContain(Delivered(FbcProtocol.Seco), d => d.To == A && d.Message.Phase == ProtocolPhase.Online && !d.From.IsUser);
        Assert.True(seco[B] > 0 && seco[C] > 0);
        // Both runs answer the same queries with the same logits (RunBitExact checked each against the reference).
    }
}
