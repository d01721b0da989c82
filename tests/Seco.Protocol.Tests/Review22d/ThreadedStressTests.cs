using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Compute;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review22d;

/// <summary>
/// Review 22d: the converted loops (A's per-ciphertext sums and collective decryptions, the servers' per-block products
/// and per-ciphertext decryption shares) run on 16 real threads again and again — matrix and convolution forms,
/// shortcuts, two tiers — and every run is bit-exact and sends exactly the sequential run's messages (same parties,
/// kinds, sizes, order): the runner changes no byte count and no order of what leaves a party.
/// </summary>
public class ThreadedStressTests
{
    public static TheoryData<string, int, string, FormPolicy, int> Deployments => new()
    {
        { "mlp.onnx", 0, "", FormPolicy.Matrix, 4 },          // one tier, three blocks: several iterations per region
        { "mlp.onnx", 0, "2:1,3:2", FormPolicy.Matrix, 2 },   // two tiers, three servers in the second
        { "residual", 0, "2:4,3:4", FormPolicy.Planner, 2 },  // convolutions with kernel caches, shortcuts across a tier boundary
        { "minionn.onnx", 0, "", FormPolicy.Planner, 1 },     // MiniONN's convolutions, several output ciphertexts per block
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Sixteen_threads_are_bit_exact_every_time_and_send_the_sequential_messages(string model, int split, string tiers, FormPolicy forms, int repeats)
    {
        FixedPointModel m = model == "residual" ? ResidualModel.Value : EndToEndTests.Model(model);
        TierSpec[]? layout = tiers == "" ? null : [.. tiers.Split(',').Select(t => new TierSpec(int.Parse(t.Split(':')[0]), int.Parse(t.Split(':')[1])))];
        ModelSplit deployment = ModelSplit.Create(m, split, EndToEndTests.Context.Value, tiers: layout, forms: forms);
        ulong[][] inputs = model == "residual" ? ResidualInputs(m, 2) : EndToEndTests.Inputs(m, 2);
        long[][] expected = [.. inputs.Select(x => FixedPointReference.Forward(m, x.Select(PrimeField.ToSigned).ToArray()).Logits)];

        (long[][] logits, List<string> trace) = Run(deployment, inputs, KernelRunner.Sequential);
        Assert.Equal(expected, logits);
        for (int run = 0; run < repeats; run++)
        {
            (long[][] threadedLogits, List<string> threadedTrace) = Run(deployment, inputs, new ThreadedRunner(16));
            Assert.Equal(expected, threadedLogits);
            Assert.Equal(trace, threadedTrace);
        }
    }

    internal static readonly Lazy<FixedPointModel> ResidualModel = new(() =>
        new FixedPointModel(Seco.Nn.Onnx.OnnxImporter.Load(Path.Combine(Seco.Tests.Shared.TestHost.Root, "tests", "data", "residual", "three-blocks.onnx")), FixedPointFormat.Default));

    internal static ulong[][] ResidualInputs(FixedPointModel model, int count)
    {
        var random = new Random(20);
        int size = model.Blocks[0].Block.Input.Size;
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => PrimeField.FromSigned(random.Next(-256, 257))).ToArray())];
    }

    /// <summary>The user's logits and every delivered message as "from→to kind bytes", in order.</summary>
    internal static (long[][] Logits, List<string> Trace) Run(ModelSplit deployment, ulong[][] inputs, IKernelRunner runner)
    {
        ProtocolLoopback loop = EndToEndTests.Loopback(deployment, inputs);
        using (KernelRunner.Use(runner)) // the loopback calls every role on this thread
            loop.Run();
        long[][] logits = [.. loop.Events.OfType<PredictionReady>().OrderBy(p => p.Query).Select(p => p.Logits.Select(PrimeField.ToSigned).ToArray())];
        return (logits, [.. loop.Delivered.Select(d => $"{d.From}→{d.To} {d.Message.GetType().Name} {d.Bytes}")]);
    }
}
