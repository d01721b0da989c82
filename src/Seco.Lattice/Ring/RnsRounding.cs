namespace Seco.Lattice.Ring;

/// <summary>Exact RNS division by the last prime with rounding (SEAL <c>RNSTool::divide_and_round_q_last_inplace</c>).</summary>
public static class RnsRounding
{
    /// <summary>
    /// dest = round(src / q_last) over the first m − 1 primes, for src over m primes (coefficient form).
    /// r = ((c_last + ⌊q_last/2⌋) mod q_last) − ⌊q_last/2⌋ is the centred remainder, so (c − r)·q_last^{-1} is the
    /// rounded quotient. <paramref name="lastInverses"/>[j] = q_last^{-1} mod q_j.
    /// </summary>
    public static void DivideAndRoundByLast(
        ReadOnlySpan<ulong> src, Span<ulong> dest, IReadOnlyList<Modulus> moduli, ReadOnlySpan<ulong> lastInverses, int n)
    {
        int m = moduli.Count;
        Modulus last = moduli[m - 1];
        ulong half = last.Value >> 1;
        ReadOnlySpan<ulong> lastLimb = src.Slice((m - 1) * n, n);
        for (int j = 0; j < m - 1; j++)
        {
            Modulus q = moduli[j];
            ulong halfModQ = q.Reduce(half), inv = lastInverses[j], invShoup = q.ShoupPrecompute(inv);
            ReadOnlySpan<ulong> limb = src.Slice(j * n, n);
            Span<ulong> output = dest.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                ulong r = q.Sub(q.Reduce(last.Add(lastLimb[i], half)), halfModQ);
                output[i] = q.MultiplyShoup(q.Sub(limb[i], r), inv, invShoup);
            }
        }
    }
}
