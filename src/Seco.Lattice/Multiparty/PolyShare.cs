using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Serialization;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// One party's (or an aggregate of several parties') share in a multiparty protocol: <see cref="Count"/> RNS
/// polynomials over the first <see cref="Limbs"/> primes of <see cref="BfvContext.KeyModuli"/>, in NTT or coefficient
/// form (one for CKG and decryption, two for PCKS, L for a rotation key and RKG round 2, 2L for RKG round 1). Shares are summed coefficient-wise by
/// <see cref="Aggregate"/>; the sum of all N shares is what <c>Finalize</c> consumes.
/// </summary>
public sealed class PolyShare
{
    /// <summary>Largest polynomial count (an RKG round-1 share has two per data prime).</summary>
    public const int MaxCount = 64;

    private const int HeaderSize = 4 + 1 + 1 + 1 + 1 + 32;
    private static ReadOnlySpan<byte> Magic => "SESH"u8;

    internal PolyShare(BfvContext context, int limbs, bool isNttForm, ulong[] data)
    {
        Context = context;
        Limbs = limbs;
        IsNttForm = isNttForm;
        Data = data;
        Count = data.Length / (limbs * context.N);
    }

    /// <summary>Number of polynomials.</summary>
    public int Count { get; }

    /// <summary>Polynomial <paramref name="index"/> (Limbs·n residues).</summary>
    internal Span<ulong> Poly(int index) => Data.AsSpan(index * Limbs * Context.N, Limbs * Context.N);

    /// <summary>The parameters the share belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>Number of RNS limbs (key primes, in chain order).</summary>
    public int Limbs { get; }

    /// <summary>True when the polynomial is in NTT form.</summary>
    public bool IsNttForm { get; }

    internal ulong[] Data { get; }

    /// <summary>x + y (shares of the same protocol instance: same limbs and form).</summary>
    public static PolyShare Aggregate(PolyShare x, PolyShare y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        Guard.SameContext(x.Context, y.Context, "second share");
        if (x.Limbs != y.Limbs || x.IsNttForm != y.IsNttForm || x.Count != y.Count)
        {
            throw new ArgumentException("Only shares of the same parameters, polynomial count, limb count and form can be aggregated.");
        }

        var sum = new PolyShare(x.Context, x.Limbs, x.IsNttForm, new ulong[x.Data.Length]);
        Modulus[] moduli = x.Context.KeyModuli.Take(x.Limbs).ToArray();
        for (int p = 0; p < x.Count; p++)
        {
            RnsPoly.Add(x.Poly(p), y.Poly(p), sum.Poly(p), moduli, x.Context.N);
        }

        return sum;
    }

    /// <summary>Exact serialized length in bytes.</summary>
    public long SerializedSize => HeaderSize + (Count * LimbsSize(Context, Limbs));

    private static long LimbsSize(BfvContext context, int limbs) =>
        Enumerable.Range(0, limbs).Sum(l => BitPacking.PackedSize(context.N, context.KeyModuli[l].BitCount));

    /// <summary>
    /// "SESH", version 1, form (0 coefficient, 1 NTT), limb count, polynomial count, the 32-byte parameter hash, then
    /// each polynomial's limbs bit-packed at their prime's width (as in docs/serialization.md).
    /// </summary>
    public byte[] Serialize()
    {
        var bytes = new byte[SerializedSize];
        Magic.CopyTo(bytes);
        bytes[4] = 1;
        bytes[5] = IsNttForm ? (byte)1 : (byte)0;
        bytes[6] = (byte)Limbs;
        bytes[7] = (byte)Count;
        Context.ParameterHash.AsSpan().CopyTo(bytes.AsSpan(8));
        int n = Context.N;
        long offset = HeaderSize;
        for (int p = 0; p < Count; p++)
        {
            for (int l = 0; l < Limbs; l++)
            {
                int bits = Context.KeyModuli[l].BitCount;
                long size = BitPacking.PackedSize(n, bits);
                BitPacking.Pack(Poly(p).Slice(l * n, n), bits, bytes.AsSpan((int)offset, (int)size));
                offset += size;
            }
        }

        return bytes;
    }

    /// <summary>Reads a share, validating header, parameters, lengths and every residue (<see cref="BfvFormatException"/>).</summary>
    public static PolyShare Deserialize(BfvContext context, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (bytes.Length < HeaderSize)
        {
            throw new BfvFormatException($"Truncated share header: {bytes.Length} of {HeaderSize} bytes", bytes.Length);
        }

        if (!bytes[..4].SequenceEqual(Magic))
        {
            throw new BfvFormatException("Wrong magic: not a SECO multiparty share", 0);
        }

        if (bytes[4] != 1)
        {
            throw new BfvFormatException($"Unsupported share format version {bytes[4]}", 4);
        }

        if (bytes[5] > 1)
        {
            throw new BfvFormatException($"Form byte {bytes[5]} is neither 0 (coefficient) nor 1 (NTT)", 5);
        }

        int limbs = bytes[6];
        if (limbs < 1 || limbs > context.KeyModuli.Count)
        {
            throw new BfvFormatException($"Limb count {limbs} is outside [1, {context.KeyModuli.Count}]", 6);
        }

        int count = bytes[7];
        if (count < 1 || count > MaxCount)
        {
            throw new BfvFormatException($"Polynomial count {count} is outside [1, {MaxCount}]", 7);
        }

        if (!bytes.Slice(8, 32).SequenceEqual(context.ParameterHash.AsSpan()))
        {
            throw new BfvFormatException(
                $"Parameter hash {Convert.ToHexStringLower(bytes.Slice(8, 8))}… differs from this context's {context.ParameterHashHex[..16]}…", 8);
        }

        long expected = HeaderSize + (count * LimbsSize(context, limbs));
        if (bytes.Length != expected)
        {
            throw new BfvFormatException($"Share length {bytes.Length} differs from the {expected} bytes its header implies", bytes.Length);
        }

        var share = new PolyShare(context, limbs, bytes[5] == 1, new ulong[count * limbs * context.N]);
        int n = context.N;
        long offset = HeaderSize;
        for (int p = 0; p < count; p++)
        {
            for (int l = 0; l < limbs; l++)
            {
                Modulus q = context.KeyModuli[l];
                long size = BitPacking.PackedSize(n, q.BitCount);
                BitPacking.Unpack(bytes.Slice((int)offset, (int)size), q.BitCount, q.Value, share.Poly(p).Slice(l * n, n), offset, $"polynomial {p}, limb {l}");
                offset += size;
            }
        }

        return share;
    }
}
