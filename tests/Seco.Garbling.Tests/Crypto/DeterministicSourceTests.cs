using System.Reflection;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Garbling.Tests.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Crypto;

/// <summary>
/// Entry points that draw secrets (Δ, labels, OT secrets) from a caller's source refuse a deterministic one, naming
/// the parameter, unless it is the internal test source <c>Prg.ForTests</c> (issue 15).
/// </summary>
public class DeterministicSourceTests
{
    /// <summary>A deterministic source that is not the test opt-in; counts how often it is drawn from.</summary>
    private sealed class CountingSource : BlockRandom
    {
        public int Draws { get; private set; }

        public override bool IsDeterministic => true;

        public override void Fill(Span<Block> destination)
        {
            Draws++;
            destination.Fill(new Block(1, 2));
        }
    }

    [Theory]
    [InlineData("Garbler", "random")]
    [InlineData("Garbler with Δ", "random")]
    [InlineData("ChouOrlandiSender", "random")]
    [InlineData("ChouOrlandiReceiver", "random")]
    [InlineData("IknpSender", "random")]
    [InlineData("IknpSender with Δ", "random")]
    [InlineData("IknpReceiver", "random")]
    [InlineData("OtLoopback sender", "senderRandom")]
    [InlineData("OtLoopback receiver", "receiverRandom")]
    public void ADeterministicSourceIsRefusedNamingTheParameter(string entryPoint, string parameter)
    {
        var source = new CountingSource();
        var circuit = RandomCircuits.Build(3, 4, 4, 50, 4);
        var delta = BlockRandom.Os.Next().WithLsbSet();
        Action enter = entryPoint switch
        {
            "Garbler" => () => _ = new Garbler(circuit, source),
            "Garbler with Δ" => () => _ = new Garbler(circuit, delta, source),
            "ChouOrlandiSender" => () => _ = new ChouOrlandiSender(4, source),
            "ChouOrlandiReceiver" => () => _ = new ChouOrlandiReceiver(new bool[4], source),
            "IknpSender" => () => _ = new IknpSender(source),
            "IknpSender with Δ" => () => _ = new IknpSender(delta, source),
            "IknpReceiver" => () => _ = new IknpReceiver(source),
            "OtLoopback sender" => () => OtLoopback.Create(null, source, null),
            "OtLoopback receiver" => () => OtLoopback.Create(null, null, source),
            _ => throw new ArgumentOutOfRangeException(nameof(entryPoint), entryPoint, null),
        };
        var e = Assert.Throws<ArgumentException>(enter);
        Assert.Equal(parameter, e.ParamName);
        Assert.StartsWith($"'{parameter}' is a deterministic (seeded) random source", e.Message);
        Assert.Equal(0, source.Draws); // refused before anything is drawn
    }

    [Fact]
    public void APublicSeededPrgIsRefusedAndOnlyTheInternalTestSourceIsAccepted()
    {
        var circuit = RandomCircuits.Build(4, 4, 4, 50, 4);
        var seeded = new Prg(new Block(7, 7));
        Assert.True(seeded.IsDeterministic);
        Assert.False(seeded.IsTestSource);
        Assert.Equal("random", Assert.Throws<ArgumentException>(() => new Garbler(circuit, seeded)).ParamName);

        var test = Prg.ForTests(7);
        Assert.True(test.IsDeterministic);
        Assert.True(test.IsTestSource);
        Assert.Equal(new Garbler(circuit, Prg.ForTests(7)).InputEncoding.Delta, new Garbler(circuit, test).InputEncoding.Delta);
        BlockRandom.EnsureNonDeterministic(BlockRandom.Os, "random");

        // As with Seco.Lattice's SeededRandomSource, code outside the assembly (and its test and bench friends) cannot
        // obtain the opt-in: the factory is not public.
        Assert.Null(typeof(Prg).GetMethod(nameof(Prg.ForTests), BindingFlags.Public | BindingFlags.Static));
    }
}
