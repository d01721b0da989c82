using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Compute;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Compute;

/// <summary>
/// The roles' data-parallel kernels (A's per-ciphertext sums and decryptions, the servers' per-block products and
/// per-ciphertext decryption shares) give the same predictions whether their iterations run in order or really at the
/// same time on threads.
/// </summary>
public class ThreadedKernelsTests
{
    [Fact]
    public void Threaded_kernels_give_the_same_bit_exact_logits_as_sequential_ones()
    {
        // Split 0: the tier holds all three MLP blocks, so each converted loop has several iterations.
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        long[][] expected = [.. inputs.Select(x => FixedPointReference.Forward(model, x.Select(PrimeField.ToSigned).ToArray()).Logits)];

        var sequential = new CountingRunner(KernelRunner.Sequential);
        var threaded = new CountingRunner(new ThreadedRunner(4));
        long[][] bySequential = Logits(model, inputs, sequential);
        long[][] byThreads = Logits(model, inputs, threaded);

        Assert.Equal(expected, bySequential);
        Assert.Equal(expected, byThreads);
        // Both went through the kernels, with several iterations per region: per query, A's sums and decryptions and
        // each server's products and shares over the tier's three blocks.
        Assert.Equal(sequential.Regions, threaded.Regions);
        Assert.True(threaded.Regions.Count(n => n == 3) >= 2 * (2 + 2 * 2), $"regions: {string.Join(", ", threaded.Regions)}");
    }

    private static long[][] Logits(FixedPointModel model, ulong[][] inputs, IKernelRunner runner)
    {
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, 0, EndToEndTests.Context.Value), inputs);
        using (KernelRunner.Use(runner)) // the loopback calls every role on this thread
            loop.Run();
        return [.. loop.Events.OfType<PredictionReady>().OrderBy(p => p.Query).Select(p => p.Logits.Select(PrimeField.ToSigned).ToArray())];
    }

    /// <summary>Records each region's iteration count, then hands it to the runner under test.</summary>
    private sealed class CountingRunner(IKernelRunner inner) : IKernelRunner
    {
        public List<int> Regions { get; } = [];

        public int Cores => inner.Cores;

        public void For(int count, Action<int> body)
        {
            Regions.Add(count);
            inner.For(count, body);
        }
    }
}
