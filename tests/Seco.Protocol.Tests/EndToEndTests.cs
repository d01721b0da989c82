using Seco.Lattice.Parameters;
using Seco.Nn.Data;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// The whole protocol (setup, preprocessing, online, output) on a real model and real Fashion-MNIST images; the
/// user's decrypted logits must equal the plaintext fixed-point reference bit for bit, for every split point.
/// </summary>
public class EndToEndTests
{
    internal static readonly Lazy<BfvContext> Context = new(() => BfvContext.Create(BfvPresets.Seco8192()));

    internal static FixedPointModel Model(string file) =>
        new(OnnxImporter.Load(Path.Combine(TestHost.Root, "models", file)), FixedPointFormat.Default);

    internal static ulong[][] Inputs(FixedPointModel model, int count)
    {
        ImageSet images = IdxFile.Load(Path.Combine(TestHost.Root, "models", "fashion-mnist-test-1000-images-idx3-ubyte"));
        return Enumerable.Range(0, count)
            .Select(i => images.Input(i).Select(v => PrimeField.FromSigned(model.Format.Encode(v))).ToArray())
            .ToArray();
    }

    internal static ProtocolLoopback Run(FixedPointModel model, int split, ulong[][] inputs)
    {
        ProtocolLoopback loop = Loopback(ModelSplit.Create(model, split, Context.Value), inputs);
        loop.Run();
        return loop;
    }

    /// <summary>The roles of <paramref name="deployment"/> (the user, A and every server of every tier) on a loopback, not yet run.</summary>
    /// <param name="failQueries">Turn a handler's error into that query's failure, as the actor runtime does.</param>
    /// <param name="replays">Extra copies of chosen messages on the wire (a hostile network or party).</param>
    /// <param name="inject">Messages put on the wire after a given one was delivered (a replay later in the run).</param>
    internal static ProtocolLoopback Loopback(ModelSplit deployment, ulong[][] inputs, bool failQueries = false, Func<Party, Party, Seco.Protocol.Messages.SecoMessage, int>? replays = null,
        Func<Party, Party, Seco.Protocol.Messages.SecoMessage, IEnumerable<(Party, Party, Seco.Protocol.Messages.SecoMessage)>>? inject = null) =>
        new([new UserRole(deployment.Parameters.ForUser(), inputs),
            new GatewayRole(deployment.Parameters, deployment.Gateway),
            .. deployment.Parameters.Tiers.SelectMany(t => Enumerable.Range(0, t.Servers).Select(j => Party.Server(t.Tier, j)))
                .Select(s => RemoteServerRole.For(deployment.Parameters, deployment.Share(s), s))])
        {
            FailQueriesOnError = failQueries,
            Replays = replays,
            Inject = inject,
        };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)] // l = L: DELPHI between the user and A
    public void Mlp_prediction_is_bit_exact_at_every_split(int split)
    {
        FixedPointModel model = Model("mlp.onnx");
        ulong[][] inputs = Inputs(model, 2);
        ProtocolLoopback loop = Run(model, split, inputs);

        var predictions = loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal([0, 1], predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
        {
            long[] expected = FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits;
            Assert.Equal(expected, p.Logits.Select(PrimeField.ToSigned).ToArray());
        }
    }
}
