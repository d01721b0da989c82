using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Parameters;

public class ParameterHashTests
{
    // Computed once (and cross-checked with Python hashlib/struct) and pinned: any change to the encoding or to the SECO preset breaks
    // wire compatibility with peers and must be deliberate.
    private const string SecoHash = "326c81d6c14e415550d9a475924d13ab52c21f7c5b94c8daf354f2fdfbb2b6eb";

    [Fact]
    public void SecoPresetHash_IsPinned()
    {
        BfvContext ctx = BfvContext.Create(BfvPresets.Seco8192());
        Assert.Equal(SecoHash, ctx.ParameterHashHex);
        Assert.Equal(32, ctx.ParameterHash.Length);
        Assert.Equal(Convert.FromHexString(SecoHash), ctx.ParameterHash.ToArray());
    }

    [Fact]
    public void Hash_IsStableAcrossInstances()
    {
        Assert.Equal(
            BfvContext.Create(BfvPresets.Seco8192()).ParameterHashHex,
            BfvContext.Create(BfvPresets.Seco8192()).ParameterHashHex);
    }

    [Fact]
    public void Hash_PreImageLayout_IsDocumentedEncoding()
    {
        // Recompute independently from the documented layout: "BFV" | u32 n | u32 k | u64 q_i… | u64 t, little-endian.
        EncryptionParameters p = BfvPresets.Seco8192();
        var bytes = new List<byte>("BFV"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes((uint)p.PolyModulusDegree));
        bytes.AddRange(BitConverter.GetBytes((uint)p.CoeffModulus.Count));
        foreach (Modulus q in p.CoeffModulus)
        {
            bytes.AddRange(BitConverter.GetBytes(q.Value));
        }

        bytes.AddRange(BitConverter.GetBytes(p.PlainModulus));
        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal(19 + (8 * 5), bytes.Count);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes.ToArray()), BfvContext.ComputeParameterHash(p));
    }

    [Fact]
    public void Hash_ChangesWhenAnyFieldChanges()
    {
        EncryptionParameters baseline = BfvPresets.Seco8192();
        ulong[] q = baseline.CoeffModulus.Select(m => m.Value).ToArray();
        string h0 = Hex(baseline);

        ulong[] otherPrimes = Primes.NttPrimes(44, 8192, 4);
        var variants = new List<EncryptionParameters>
        {
            new(16384, q, baseline.PlainModulus),                                  // n
            new(8192, q, BfvPresets.Default8192().PlainModulus),                   // t
            new(8192, [q[0], q[1], q[2], q[3], otherPrimes[3]], baseline.PlainModulus), // special prime
            new(8192, [q[1], q[0], q[2], q[3], q[4]], baseline.PlainModulus),       // order of the chain
            new(8192, q.Take(4), baseline.PlainModulus),                           // one prime fewer
        };

        var seen = new HashSet<string> { h0 };
        foreach (EncryptionParameters v in variants)
        {
            Assert.True(seen.Add(Hex(v)), v.ToString());
        }
    }

    private static string Hex(EncryptionParameters p) => Convert.ToHexStringLower(BfvContext.ComputeParameterHash(p));
}
