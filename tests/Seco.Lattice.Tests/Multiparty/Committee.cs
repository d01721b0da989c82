using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>N parties with fresh secret shares, the collective secret s = Σ s_j (for checking only), and test vectors.</summary>
internal static class Committee
{
    public static (KeyGenerator[] Parties, SecretKey Collective) Create(BfvContext context, int count)
    {
        var parties = Enumerable.Range(0, count).Select(_ => new KeyGenerator(context)).ToArray();
        var sum = new ulong[parties[0].SecretKey.Data.Length];
        foreach (KeyGenerator p in parties)
        {
            RnsPoly.Add(sum, p.SecretKey.Data, sum, context.KeyModuli, context.N);
        }

        return (parties, new SecretKey(context, sum));
    }

    /// <summary>The parties' collective public key (CKG) and rotation keys for <paramref name="elements"/> (RTG), as the protocol makes them.</summary>
    public static (PublicKey PublicKey, GaloisKeys Rotations) CollectiveKeys(BfvContext context, KeyGenerator[] parties, IEnumerable<uint> elements)
    {
        byte[] session = Seco.Lattice.Multiparty.CommonReference.CreateSessionSeed();
        var ckg = new Seco.Lattice.Multiparty.CollectivePublicKeyGeneration(context, session);
        PublicKey cpk = ckg.Finalize(parties.Select(s => ckg.GenShare(s.SecretKey)).Aggregate(Seco.Lattice.Multiparty.CollectivePublicKeyGeneration.Aggregate));
        GaloisKeys rotations = Seco.Lattice.Multiparty.CollectiveRotationKeyGeneration.Merge(context, elements.Select(g =>
        {
            var rtg = new Seco.Lattice.Multiparty.CollectiveRotationKeyGeneration(context, session, g);
            return rtg.Finalize(parties.Select(s => rtg.GenShare(s.SecretKey)).Aggregate(Seco.Lattice.Multiparty.CollectiveRotationKeyGeneration.Aggregate));
        }));
        return (cpk, rotations);
    }

    public static ulong[] Vector(BfvContext context, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, context.N).Select(_ => (ulong)random.NextInt64((long)context.PlainModulus.Value)).ToArray();
    }
}
