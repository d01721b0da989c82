namespace Seco.Lattice.Bfv;

/// <summary>
/// Adds or subtracts Δ·m to a coefficient-form RNS polynomial, with Δ·m = round(Q·m/t) (ties up) computed exactly as
/// SEAL's <c>multiply_add_plain_with_scaling_variant</c>: floor(Q/t)·m + floor(((Q mod t)·m + ⌊(t+1)/2⌋)/t).
/// Also lifts plaintexts to the ciphertext primes for multiply_plain (centred: m ≥ ⌈t/2⌉ becomes m − t).
/// </summary>
internal static class PlainScaling
{
    public static void AddScaled(LevelContext level, ReadOnlySpan<ulong> plain, Span<ulong> poly, bool subtract)
    {
        int n = level.N;
        ulong t = level.Context.PlainModulus.Value;
        ulong qModT = level.QModT, half = level.PlainUpperHalfThreshold;
        for (int i = 0; i < n; i++)
        {
            ulong m = plain[i];
            UInt128 numerator = ((UInt128)qModT * m) + half;
            ulong fix = (ulong)(numerator / t);
            for (int j = 0; j < level.Count; j++)
            {
                var q = level.Moduli[j];
                ulong scaled = q.Add(q.Multiply(level.QDivTModQi[j], m), q.Reduce(fix));
                int index = (j * n) + i;
                poly[index] = subtract ? q.Sub(poly[index], scaled) : q.Add(poly[index], scaled);
            }
        }
    }

    /// <summary>Writes the centred lift of <paramref name="plain"/> (mod t) into every limb of <paramref name="dest"/>.</summary>
    public static void LiftCentered(LevelContext level, ReadOnlySpan<ulong> plain, Span<ulong> dest)
    {
        int n = level.N;
        ulong threshold = level.PlainUpperHalfThreshold;
        for (int j = 0; j < level.Count; j++)
        {
            ulong increment = level.PlainUpperHalfIncrement[j];
            Span<ulong> limb = dest.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                ulong m = plain[i];
                limb[i] = m + (increment & (ulong)-(long)(m >= threshold ? 1 : 0));
            }
        }
    }
}
