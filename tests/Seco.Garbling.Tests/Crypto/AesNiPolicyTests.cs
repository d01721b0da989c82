using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Garbling.Tests.Garbling;
using Xunit;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Seco.Garbling.Tests.Crypto;

/// <summary>Tests that flip <see cref="Aes128"/>'s process-wide test switches run alone, after all other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AesNiSwitchesCollection
{
    public const string Name = "AES-NI switches (process-wide, run alone)";
}

/// <summary>Pretends the processor has no AES-NI, with or without the test opt-in, until disposed.</summary>
internal sealed class NoAesNi : IDisposable
{
    private readonly bool _pretend = Aes128.PretendNoAesNiForTests;
    private readonly bool _allow = Aes128.AllowPortableForTests;

    public NoAesNi(bool allowPortable)
    {
        Aes128.PretendNoAesNiForTests = true;
        Aes128.AllowPortableForTests = allowPortable;
    }

    public void Dispose()
    {
        Aes128.PretendNoAesNiForTests = _pretend;
        Aes128.AllowPortableForTests = _allow;
    }
}

/// <summary>
/// Without AES-NI, garbling and OT refuse to run on the table-based portable AES (issue 15); with the internal test
/// opt-in they run on it and give exactly the AES-NI results.
/// </summary>
[Collection(AesNiSwitchesCollection.Name)]
public class AesNiPolicyTests
{
    private static readonly Circuit Small = RandomCircuits.Build(21, 12, 12, 1500, 16);

    public static TheoryData<string> EntryPoints => new()
    {
        "Garbler", "Garbler with Δ", "Evaluator", "IknpSender", "IknpSender with Δ", "IknpReceiver", "OtLoopback",
        "TweakableHash.Hash", "TweakableHash.Hash batch", "Prg", "Aes128",
    };

    private static void Enter(string entryPoint)
    {
        var delta = new Block(0x0123456789abcdefUL, 7).WithLsbSet();
        switch (entryPoint)
        {
            case "Garbler": _ = new Garbler(Small); break;
            case "Garbler with Δ": _ = new Garbler(Small, delta); break;
            case "Evaluator": _ = new Evaluator(Small); break;
            case "IknpSender": _ = new IknpSender(); break;
            case "IknpSender with Δ": _ = new IknpSender(delta); break;
            case "IknpReceiver": _ = new IknpReceiver(); break;
            case "OtLoopback": _ = OtLoopback.Create(); break;
            case "TweakableHash.Hash": _ = TweakableHash.Hash(delta, 1); break;
            case "TweakableHash.Hash batch": TweakableHash.Hash(new Block[9], delta, 1, new Block[9]); break;
            case "Prg": _ = new Prg(delta).Next(); break;
            case "Aes128": _ = new Aes128(delta).Encrypt(delta); break;
            default: throw new ArgumentOutOfRangeException(nameof(entryPoint), entryPoint, null);
        }
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public void WithoutAesNiEveryEntryPointRefusesWithTheReason(string entryPoint)
    {
        using var _ = new NoAesNi(allowPortable: false);
        var e = Assert.Throws<PlatformNotSupportedException>(() => Enter(entryPoint));
        Assert.StartsWith(
            "AES-NI is not available on this CPU: Seco.Garbling's portable AES is table-based and not constant-time, " +
            "so garbling and OT refuse to run without AES-NI (", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [MemberData(nameof(EntryPoints))]
    public void WithTheTestOptInEveryEntryPointRunsOnThePortableAes(string entryPoint)
    {
        using var _ = new NoAesNi(allowPortable: true);
        Enter(entryPoint);
        Assert.False(new Aes128(Block.Zero).IsHardwareAccelerated);
    }

    [Fact]
    public void SwitchesAreOffByDefaultAndAesNiRunsWhereThereIsIt()
    {
        Assert.False(Aes128.AllowPortableForTests);
        Assert.False(Aes128.PretendNoAesNiForTests);
        Assert.Equal(X86Aes.IsSupported, new Garbler(Small).IsHardwareAccelerated);
        Assert.Equal(X86Aes.IsSupported, new Evaluator(Small).IsHardwareAccelerated);
    }

    [SkippableFact]
    public void OptedInPortableGarblingIsBitIdenticalToAesNi()
    {
        Skip.IfNot(X86Aes.IsSupported, "AES-NI absent: there is no AES-NI result to compare the portable path with");
        var inputs = new[] { RandomCircuits.RandomBits(new Random(1), 12), RandomCircuits.RandomBits(new Random(2), 12) };
        var hardware = Garble(inputs, expectHardware: true);
        GarbleRun portable;
        using (new NoAesNi(allowPortable: true)) portable = Garble(inputs, expectHardware: false);

        Assert.Equal(hardware.Delta, portable.Delta);
        Assert.Equal(hardware.ZeroLabels, portable.ZeroLabels);
        Assert.Equal(hardware.Tables, portable.Tables);
        Assert.Equal(hardware.Decoding, portable.Decoding);
        Assert.Equal(hardware.OutputLabels, portable.OutputLabels);
        Assert.Equal(Small.Evaluate(inputs)[0], portable.Output);
    }

    [SkippableFact]
    public void OptedInPortableOtExtensionIsBitIdenticalToAesNi()
    {
        Skip.IfNot(X86Aes.IsSupported, "AES-NI absent: there is no AES-NI result to compare the portable path with");
        var hardware = ExtendAll();
        Block[][] portable;
        using (new NoAesNi(allowPortable: true)) portable = ExtendAll();
        Assert.Equal(hardware.Length, portable.Length);
        for (int i = 0; i < hardware.Length; i++) Assert.Equal(hardware[i], portable[i]);
    }

    private sealed record GarbleRun(Block Delta, Block[] ZeroLabels, Block[] Tables, byte[] Decoding, Block[] OutputLabels, bool[] Output);

    private static GarbleRun Garble(bool[][] inputs, bool expectHardware)
    {
        var garbler = new Garbler(Small, Prg.ForTests(31));
        var evaluator = new Evaluator(Small);
        Assert.Equal(expectHardware, garbler.IsHardwareAccelerated);
        Assert.Equal(expectHardware, evaluator.IsHardwareAccelerated);
        var chunks = garbler.Chunks().ToList();
        for (int g = 0; g < inputs.Length; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (var chunk in chunks) evaluator.Consume(chunk.ToBytes());
        var labels = evaluator.OutputLabels();
        return new GarbleRun(
            garbler.InputEncoding.Delta,
            [.. garbler.InputEncoding.ZeroLabels(0), .. garbler.InputEncoding.ZeroLabels(1)],
            chunks.SelectMany(c => c.Tables.ToArray()).ToArray(),
            garbler.OutputDecoding.ToBytes(),
            labels.ToArray(),
            garbler.OutputDecoding.Decode(labels));
    }

    /// <summary>Every IKNP mode once on a seeded pair: chosen-message, correlated and random correlated outputs.</summary>
    private static Block[][] ExtendAll()
    {
        const int m = 300;
        var ot = OtLoopback.Create(Prg.ForTests(41).Next().WithLsbSet(), Prg.ForTests(42), Prg.ForTests(43));
        var choices = new byte[OtBits.ByteCount(m)];
        Prg.ForTests(44).FillBytes(choices);
        var x0 = new Block[m];
        var x1 = new Block[m];
        Prg.ForTests(45).Fill(x0);
        Prg.ForTests(46).Fill(x1);
        var chosen = new Block[m];
        ot.Chosen(x0, x1, choices, chosen);
        var senderZero = new Block[m];
        var receiverCorrelated = new Block[m];
        ot.Correlated(Prg.ForTests(47).Next(), choices, senderZero, receiverCorrelated);
        var senderRandom = new Block[m];
        var receiverRandom = new Block[m];
        ot.RandomCorrelated(choices, senderRandom, receiverRandom);
        return [chosen, senderZero, receiverCorrelated, senderRandom, receiverRandom];
    }
}
