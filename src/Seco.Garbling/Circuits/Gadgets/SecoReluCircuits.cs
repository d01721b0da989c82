namespace Seco.Garbling.Circuits.Gadgets;

/// <summary>
/// The two SECO activation circuits (paper Algs. 11 and 9) with ReLU (not the prototype's ReLU6) and exact truncation
/// inside the circuit (decision D7, docs/fixed-point.md step 4): the output is
/// max(0, ⌊v / 2^shift⌋) − Σ masks mod p, v the centred lift of Σ shares mod p.
/// </summary>
/// <remarks>
/// <para><b>Input convention.</b> Every mask enters the circuit <i>negated</i>: a provider holding the mask r inputs
/// −r mod p (<see cref="Negate"/>), so the output is one modular sum y + Σ(−r_j) and needs one reduction, instead of
/// summing the masks and subtracting them (an extra constant addition of k·p). Shares enter as they are. All inputs
/// must be residues in [0, p); larger values give unspecified results (semi-honest model: providers follow the
/// protocol).</para>
/// <para><b>Cost.</b> Shares are summed exactly (k − 1 adders), one fused <see cref="ZpArithmetic.ReluTruncate"/>
/// derives the sign and the shifted positive value, then y and the k negated masks are summed exactly and reduced
/// once. AND counts are asserted in the tests and listed in docs/circuits.md.</para>
/// </remarks>
public static class SecoReluCircuits
{
    /// <summary>
    /// The F_A ReLU circuit (paper Alg. 11): gateway A garbles, the user evaluates. Inputs in order: "u" = F r − s and
    /// "neg_r_next" = −r' mod p from the user (<paramref name="evaluator"/>); "a" = F(x − r) + s and "neg_d" = −d mod p
    /// from A (<paramref name="garbler"/>). Output "y" to the user: ReLU(⌊v / 2^shift⌋) − r' − d mod p.
    /// </summary>
    public static Circuit Gateway(int shift, ulong modulus = ZpArithmetic.DefaultModulus, string garbler = "A", string evaluator = "user")
    {
        var cb = new CircuitBuilder();
        var zp = new ZpArithmetic(cb, modulus);
        var u = cb.Input("u", evaluator, zp.Width);
        var negR = cb.Input("neg_r_next", evaluator, zp.Width);
        var a = cb.Input("a", garbler, zp.Width);
        var negD = cb.Input("neg_d", garbler, zp.Width);
        cb.Output("y", evaluator, Relu(zp, [u, a], [negR, negD], shift));
        return cb.Build();
    }

    /// <summary>
    /// The F_BC ReLU circuit (paper Alg. 9) for k = <paramref name="owners"/>.Count shares: owner j (1-based) inputs "E{j}",
    /// its pre-activation share, and "neg_r{j}" = −r^j mod p, its share of the next mask, in owner order. Output "y" to
    /// <paramref name="outputOwner"/>: ReLU(⌊v / 2^shift⌋) − Σ r^j mod p. For SECO, owners = A, B, C (B garbles, C
    /// evaluates, A's labels come by OT from B).
    /// </summary>
    public static Circuit RemoteTier(int shift, IReadOnlyList<string> owners, string outputOwner = "C", ulong modulus = ZpArithmetic.DefaultModulus)
    {
        ArgumentNullException.ThrowIfNull(owners);
        if (owners.Count < 2) throw new ArgumentException($"the remote tier needs at least 2 share owners, {owners.Count} were given", nameof(owners));
        var cb = new CircuitBuilder();
        var zp = new ZpArithmetic(cb, modulus);
        var shares = new Bit[owners.Count][];
        var masks = new Bit[owners.Count][];
        for (int j = 0; j < owners.Count; j++)
        {
            shares[j] = cb.Input($"E{j + 1}", owners[j], zp.Width);
            masks[j] = cb.Input($"neg_r{j + 1}", owners[j], zp.Width);
        }
        cb.Output("y", outputOwner, Relu(zp, shares, masks, shift));
        return cb.Build();
    }

    /// <summary>
    /// The circuit body: ReLU(⌊lift(Σ shares mod p) / 2^shift⌋) + Σ negatedMasks mod p, each operand a residue bundle.
    /// </summary>
    public static Bit[] Relu(ZpArithmetic zp, IReadOnlyList<Bit[]> shares, IReadOnlyList<Bit[]> negatedMasks, int shift)
    {
        ArgumentNullException.ThrowIfNull(zp);
        ArgumentNullException.ThrowIfNull(shares);
        ArgumentNullException.ThrowIfNull(negatedMasks);
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        if (shares.Count == 0) throw new ArgumentException("at least one share is needed", nameof(shares));
        UInt128 residueMax = zp.Modulus - 1;
        var (sum, max) = zp.Sum(shares.Select(s => (s, residueMax)).ToArray());
        var y = zp.ReluTruncate(sum, max, shift);
        UInt128 yMax = shift >= 64 ? 0 : zp.HalfModulus >> shift;
        return zp.SumMod([(y, yMax), .. negatedMasks.Select(m => (m, residueMax))]);
    }

    /// <summary>−x mod p: what a mask holder inputs under this class's convention.</summary>
    public static ulong Negate(ulong x, ulong modulus = ZpArithmetic.DefaultModulus) =>
        x < modulus ? (x == 0 ? 0 : modulus - x) : throw new ArgumentOutOfRangeException(nameof(x), $"{x} is not a residue mod {modulus}");

    /// <summary>
    /// Plaintext reference with masks in their natural form: max(0, ⌊lift(Σ shares mod p) / 2^shift⌋) − Σ masks mod p.
    /// </summary>
    public static ulong Reference(ReadOnlySpan<ulong> shares, ReadOnlySpan<ulong> masks, int shift, ulong modulus = ZpArithmetic.DefaultModulus)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        ulong v = 0;
        foreach (ulong s in shares) v = (ulong)(((UInt128)v + s) % modulus);
        long lift = v > modulus / 2 ? (long)v - (long)modulus : (long)v;
        long y = Math.Max(0, lift >> Math.Min(shift, 63)); // >> on long is floor division by 2^shift
        ulong r = 0;
        foreach (ulong m in masks) r = (ulong)(((UInt128)r + m) % modulus);
        return (ulong)(((UInt128)(ulong)y + modulus - r) % modulus);
    }

    /// <summary>Plaintext reference of <see cref="Gateway"/>: ReLU(⌊lift(u + a) / 2^shift⌋) − r' − d mod p.</summary>
    public static ulong GatewayReference(ulong u, ulong a, ulong rNext, ulong d, int shift, ulong modulus = ZpArithmetic.DefaultModulus) =>
        Reference([u, a], [rNext, d], shift, modulus);
}
