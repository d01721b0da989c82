using System.Reflection;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// GarblerRole serves a peer's EvaluatorMasks OT request through <c>Ensure(m.Query)</c>: it creates the query's
/// state — fresh masks and one <see cref="Garbler"/> per ReLU block, which allocates a label for every wire of the
/// circuit — for any query number below the budget, whether or not A has begun (or will ever begin) it
/// (RemoteServerRole.Ensure, "created by … another server's preparation traffic, which may overtake it"). A hostile
/// provider or evaluator with its own real IKNP receiver asks once for each future query: every request is valid and
/// served, and the garbler keeps each query's garbling state until A reaches that query — for MiniONN at k = 3 that is
/// tens of MB per query, times the key set's whole query budget. (And each such query is then poisoned: its real
/// request is "a second OT request".)
///
/// MLP at l = 0, tier 1 = three servers (blocks 1–2), tier 2 = two (block 3), one query; after query 0 the provider
/// asks for queries 1..8. The test asserts the secure behaviour (the garbler holds state for at most two queries A has not
/// begun, the bound RemoteServerRole allows a peer to run ahead) and fails while peers can create it without bound.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class PeerCreatedStateTests
{
    [Fact]
    public void A_peer_cannot_make_the_garbler_hold_state_for_queries_A_never_began()
    {
        const int Extra = 8;
        Party g = Party.Server(1, 0), provider = Party.Server(1, 2);
        var h = new Hierarchy("mlp.onnx", 0, [new TierSpec(3, 2), new TierSpec(2, 1)], queries: 1);
        HostileRole hostile = h.Hostile(provider);
        IknpReceiver ot = Hierarchy.ReceiverOf(hostile.Inner);
        int count = h.ReluBlocks(1).Sum(i => h.Wires(1, i, ReluLayers.MaskGroup(provider.Index)));
        int next = 0;
        void Ask(Outbox outbox) => outbox.Send(g, new OtRequest(++next, OtPurpose.EvaluatorMasks, 0, ot.ExtendChosen(ReluLayers.Pack(new bool[count]), count)));
        hostile.After = (from, m, outbox) =>
        {
            if (next == 0 && m is OtResponse { Query: 0, Purpose: OtPurpose.EvaluatorShare } r && r.Block == h.P.Tier(1).LastBlock)
                Ask(outbox); // query 0 is over here: ask for query 1's mask labels
        };
        hostile.Intercept = (from, m, outbox) =>
        {
            if (next == 0 || m is not OtResponse { Purpose: OtPurpose.EvaluatorMasks } r || r.Query < 1)
                return false;
            ot.ReceiveChosen(r.Payload, new Block[count]);
            if (next < Extra) Ask(outbox);
            return true;
        };
        h.Run();
        Assert.Equal([0], h.Predicted);

        var held = (Dictionary<int, Dictionary<int, Garbler>>)typeof(GarblerRole).GetField("_garblers", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(h.Servers[g])!;
        long bytes = held.Values.SelectMany(q => q.Values).Sum(x => (long)x.Circuit.WireCount * Block.Size);
        // The same for MiniONN's ReLU blocks at k = 3 (blocks 1–3 on one tier), and its key set's budget.
        FixedPointModelShapes(out long miniOnnPerQuery, out int miniOnnBudget);
        // The defence: a peer may be at most two queries ahead of A's PreparationBegin (an honest one can be one ahead on
        // another link), so what it can make the garbler hold is bounded, not the budget's worth.
        Assert.True(held.Count <= 2,
            $"a provider made tier 1's garbler create and keep state for {held.Count} queries A never began (queries [{string.Join(", ", held.Keys.Order())}], "
            + $"{bytes / 1e6:F1} MB of wire labels here); for MiniONN at k = 3 that is {miniOnnPerQuery / 1e6:F0} MB per query, "
            + $"up to {miniOnnBudget} queries ({miniOnnPerQuery * miniOnnBudget / 1e9:F0} GB)");
    }

    private static void FixedPointModelShapes(out long perQuery, out int budget)
    {
        var model = EndToEndTests.Model("minionn.onnx");
        SecoParameters p = ModelSplit.ParametersOf(model, 0, EndToEndTests.Context.Value, tiers: [new TierSpec(3, model.Blocks.Count)]);
        perQuery = p.Blocks.Where(b => b.HasRelu).Sum(b => (long)ReluLayers.Remote(b.Shift, b.Rows, 3).WireCount * Block.Size);
        budget = p.Budget.Queries;
    }
}
