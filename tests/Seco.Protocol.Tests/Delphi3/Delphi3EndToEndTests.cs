using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Protocol.Tests.Delphi3;

/// <summary>
/// The DELPHI-3 baseline (paper App. C, §VIII-C-1: B garbles, A evaluates, C provides) through the whole protocol: the
/// user's logits equal the plaintext fixed-point reference bit for bit, several queries a run (fresh masks each), on
/// the MLP at every split, MiniONN at l = 0 and 1, and the residual fixture with shortcuts inside F_BC. The hosts'
/// entry points are SECO's: only the parameters say DELPHI-3.
/// </summary>
public class Delphi3EndToEndTests
{
    internal static ModelSplit Deploy(FixedPointModel model, int split, FbcProtocol protocol = FbcProtocol.Delphi3, FormPolicy forms = FormPolicy.Matrix) =>
        ModelSplit.Create(model, split, EndToEndTests.Context.Value, forms: forms, protocol: protocol);

    /// <summary>Runs the deployment on a loopback (the user, A, B and C through the codec) and checks every query bit-exact.</summary>
    internal static ProtocolLoopback RunBitExact(FixedPointModel model, ModelSplit deployment, ulong[][] inputs)
    {
        ProtocolLoopback loop = EndToEndTests.Loopback(deployment, inputs);
        loop.Run();
        AssertBitExact(model, inputs, loop, Enumerable.Range(0, inputs.Length));
        return loop;
    }

    internal static void AssertBitExact(FixedPointModel model, ulong[][] inputs, ProtocolLoopback loop, IEnumerable<int> queries)
    {
        var predictions = loop.Events.OfType<PredictionReady>().OrderBy(p => p.Query).ToList();
        Assert.Equal(queries, predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
        {
            long[] expected = FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits;
            Assert.Equal(expected, p.Logits.Select(PrimeField.ToSigned).ToArray());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)] // F_BC is block 3 alone: no ReLU block, nothing garbled, A ready once it has decrypted
    [InlineData(3)] // l = L: no F_BC, DELPHI between the user and A under either protocol
    public void Mlp_is_bit_exact_at_every_split(int split)
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 3);
        ModelSplit deployment = Deploy(model, split);
        Assert.Equal(FbcProtocol.Delphi3, deployment.Parameters.Protocol);
        RunBitExact(model, deployment, inputs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MiniOnn_is_bit_exact(int split)
    {
        FixedPointModel model = EndToEndTests.Model("minionn.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        RunBitExact(model, Deploy(model, split), inputs);
    }

    [Theory]
    [InlineData(0, FormPolicy.Matrix)]  // shortcuts inside F_BC: block 5 reads x_4, block 7 reads x_6 — both handed out by A
    [InlineData(1, FormPolicy.Planner)] // block 3 reads x_2, the transition, in the user's channel planes
    public void Residual_model_is_bit_exact(int split, FormPolicy forms)
    {
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, "tests", "data", "residual", "three-blocks.onnx")), FixedPointFormat.Default);
        var random = new Random(20);
        int size = model.Blocks[0].Block.Input.Size;
        ulong[][] inputs = [.. Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, size).Select(_ => PrimeField.FromSigned(random.Next(-256, 257))).ToArray())];
        ModelSplit deployment = Deploy(model, split, forms: forms);
        Assert.Equal(3, Enumerable.Range(1, model.Blocks.Count).Count(i => deployment.Parameters.ShortcutForm(i) is not null));
        RunBitExact(model, deployment, inputs);
    }

    [Fact]
    public void The_hosts_entry_points_give_C_the_provider_duty()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ModelSplit delphi3 = Deploy(model, 1), seco = Deploy(model, 1, FbcProtocol.Seco);
        Assert.IsType<GarblerRole>(RemoteServerRole.For(delphi3.Parameters, delphi3.Garbler, Party.Server(1, 0)));
        Assert.IsType<ProviderRole>(RemoteServerRole.For(delphi3.Parameters, delphi3.Evaluator, Party.Server(1, 1)));
        Assert.IsType<EvaluatorRole>(RemoteServerRole.For(seco.Parameters, seco.Evaluator, Party.Server(1, 1)));
        Assert.Equal(Party.Gateway, delphi3.Parameters.CircuitEvaluator(1));
        Assert.Equal(Party.Server(1, 1), seco.Parameters.CircuitEvaluator(1));
        // l = L: no F_BC, the protocols coincide; a deployment's idle B and C keep SECO's duties.
        ModelSplit none = Deploy(model, 3);
        Assert.IsType<EvaluatorRole>(RemoteServerRole.For(none.Parameters, none.Evaluator, Party.Server(1, 1)));
        // C cannot be made SECO's evaluator under DELPHI-3 parameters, nor a provider under SECO's.
        Assert.Throws<ArgumentException>(() => new EvaluatorRole(delphi3.Parameters, delphi3.Evaluator));
        Assert.Throws<ArgumentException>(() => new ProviderRole(seco.Parameters, seco.Evaluator, Party.Server(1, 1)));
    }

    [Fact]
    public void A_keeps_no_garbled_table_in_memory_past_its_budget_and_stays_bit_exact()
    {
        // A holds B's tables between preparation and the online phase, as SECO's evaluator does: past its budget (here
        // none) they wait in its scratch file (GarbledTableStore).
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        ModelSplit d = Deploy(model, 0);
        var loop = new ProtocolLoopback([new UserRole(d.Parameters.ForUser(), inputs), new GatewayRole(d.Parameters, d.Gateway, tableMemory: 0),
            .. new[] { Party.Server(1, 0), Party.Server(1, 1) }.Select(s => RemoteServerRole.For(d.Parameters, d.Share(s), s))]);
        loop.Run();
        AssertBitExact(model, inputs, loop, [0, 1]);
    }

    [Theory]
    [InlineData("3:3")]      // one tier of three servers
    [InlineData("2:1,2:2")]  // two tiers
    public void Other_hierarchies_are_refused_at_parameter_construction(string tiers)
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        TierSpec[] layout = [.. tiers.Split(',').Select(t => new TierSpec(int.Parse(t.Split(':')[0]), int.Parse(t.Split(':')[1])))];
        var e = Assert.Throws<ArgumentException>(() => ModelSplit.ParametersOf(model, 0, EndToEndTests.Context.Value, tiers: layout, protocol: FbcProtocol.Delphi3));
        Assert.Contains("DELPHI-3 baseline runs one remote tier of two servers", e.Message, StringComparison.Ordinal);
        ModelSplit.ParametersOf(model, 0, EndToEndTests.Context.Value, tiers: layout); // SECO takes them
    }
}
