using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Parameters;

public class BfvPresetsTests
{
    public static TheoryData<string> PresetNames => new() { "Default4096", "Default8192", "Default16384", "Seco8192" };

    private static EncryptionParameters Get(string name) => name switch
    {
        "Default4096" => BfvPresets.Default4096(),
        "Default8192" => BfvPresets.Default8192(),
        "Default16384" => BfvPresets.Default16384(),
        "Seco8192" => BfvPresets.Seco8192(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void EveryPreset_ValidatesAtTc128_WithBatching(string name)
    {
        BfvContext ctx = BfvContext.Create(Get(name), SecurityLevel.Tc128);
        Assert.True(ctx.UsesBatching);
        Assert.Equal(SecurityBounds.MaxCoeffModulusBitCount(ctx.N, SecurityLevel.Tc128), ctx.TotalCoeffModulusBitCount);
        Assert.Equal(ctx.KeyModuli.Count, ctx.NttTables.Count);
        for (int i = 0; i < ctx.KeyModuli.Count; i++)
        {
            Assert.Equal(ctx.KeyModuli[i], ctx.NttTables[i].Modulus);
            Assert.Equal(ctx.N, ctx.NttTables[i].N);
        }
    }

    [Fact]
    public void Default4096_MatchesSeal()
    {
        EncryptionParameters p = BfvPresets.Default4096();
        Assert.Equal([0xffffee001UL, 0xffffc4001UL, 0x1ffffe0001UL], p.CoeffModulus.Select(q => q.Value));
        Assert.Equal(1032193UL, p.PlainModulus);
    }

    [Fact]
    public void Default8192_MatchesSeal()
    {
        EncryptionParameters p = BfvPresets.Default8192();
        Assert.Equal(
            [0x7fffffd8001UL, 0x7fffffc8001UL, 0xfffffffc001UL, 0xffffff6c001UL, 0xfffffebc001UL],
            p.CoeffModulus.Select(q => q.Value));
        Assert.Equal(1032193UL, p.PlainModulus);
        Assert.Equal(1UL, p.PlainModulus % 16384);
    }

    [Fact]
    public void Default16384_MatchesSealGlobalsTable()
    {
        ulong[] seal =
        [
            0xfffffffd8001, 0xfffffffa0001, 0xfffffff00001, 0x1fffffff68001, 0x1fffffff50001,
            0x1ffffffee8001, 0x1ffffffea0001, 0x1ffffffe88001, 0x1ffffffe48001,
        ];
        foreach (ulong q in seal)
        {
            Assert.True(Primes.IsPrime(q));
            Assert.Equal(1UL, q % 32768);
        }

        EncryptionParameters p = BfvPresets.Default16384();
        Assert.Equal(seal, p.CoeffModulus.Select(q => q.Value));
        Assert.Equal(786433UL, p.PlainModulus);
    }

    [Fact]
    public void Seco8192_Shape()
    {
        BfvContext ctx = BfvContext.Create(BfvPresets.Seco8192());
        Assert.Equal(8192, ctx.N);
        Assert.Equal(2061584302081UL, ctx.PlainModulus.Value);
        Assert.Equal(41, ctx.PlainModulus.BitCount);
        Assert.Equal(BfvPresets.Default8192().CoeffModulus, ctx.KeyModuli);
        Assert.Equal(4, ctx.DataModuli.Count);
        Assert.Equal(ctx.KeyModuli.Take(4), ctx.DataModuli);
        Assert.Equal(174, ctx.DataCoeffModulusBitCount);
        Assert.Equal(218, ctx.TotalCoeffModulusBitCount);
        Assert.All(ctx.KeyModuli, q => Assert.True(ctx.PlainModulus.Value < q.Value));
    }
}
