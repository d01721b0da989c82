using System.Numerics;
using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>The exact noise polynomial of a ciphertext under a known secret key: its standard deviation and ‖·‖∞ in bits.</summary>
internal static class NoiseMeasurement
{
    /// <summary>v with c_0 + c_1·s = (Q/t)·m + v over the ciphertext's primes: [t·(c_0 + c_1·s)]_Q / t, centred.</summary>
    public static (double StdBits, double MaxBits) Of(BfvContext context, SecretKey sk, Ciphertext ct)
    {
        var level = context.Level(ct.Level);
        int n = context.N, len = level.PolyLength;
        var x = new ulong[len];
        var c1 = ct.Poly(1).ToArray();
        if (!ct.IsNttForm) RnsPoly.ForwardNtt(c1, level.Ntt, level.Count);
        RnsPoly.MultiplyPointwise(c1, sk.Data.AsSpan(0, len), x, level.Moduli, n);
        RnsPoly.InverseNtt(x, level.Ntt, level.Count);
        var c0 = ct.Poly(0).ToArray();
        if (ct.IsNttForm) RnsPoly.InverseNtt(c0, level.Ntt, level.Count);
        RnsPoly.Add(x, c0, x, level.Moduli, n);
        ulong t = context.PlainModulus.Value;
        BigInteger q = level.Q, half = q >> 1;
        var hats = level.Moduli.Select(m => q / m.Value).ToArray();
        double sum2 = 0, max = 0;
        for (int i = 0; i < n; i++)
        {
            BigInteger v = 0;
            for (int j = 0; j < level.Count; j++)
                v += hats[j] * ((BigInteger)x[(j * n) + i] * t * level.QHatInv[j] % level.Moduli[j].Value);
            v %= q;
            if (v > half) v -= q;
            double d = (double)v / t;
            sum2 += d * d;
            max = Math.Max(max, Math.Abs(d));
        }

        return (0.5 * Math.Log2(sum2 / n), Math.Log2(max));
    }
}
