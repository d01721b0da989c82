using System.Numerics;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

/// <summary>
/// BFV decryption m = round(t·[c_0 + c_1·s + …]_Q / Q) mod t by the HPS method (Halevi, Polyakov &amp; Shoup 2018,
/// §3.2: one Shoup product and one 64×64→128 product per residue, no multi-precision), plus SEAL's invariant noise
/// budget.
/// </summary>
/// <remarks>
/// Decryption refuses to return a wrong plaintext silently: HPS yields the invariant noise ν = t·v/Q of every
/// coefficient as the fractional part it rounds away, and decryption is only correct while ‖ν‖∞ &lt; 1/2. When
/// ‖ν‖∞ ≥ 1/4 — less than one bit of noise budget left — <see cref="Decrypt(Ciphertext)"/> throws
/// <see cref="NoiseBudgetExhaustedException"/>. A ciphertext whose noise has overflowed has fractional parts spread
/// over [−1/2, 1/2), so with n ≥ 1024 coefficients it trips this check with overwhelming probability.
/// </remarks>
public sealed class Decryptor
{
    /// <summary>Largest accepted ‖ν‖∞, as a fraction of 2^64.</summary>
    private const ulong NoiseLimit = 1UL << 62; // 1/4

    private readonly BfvContext _context;
    private readonly SecretKey _secretKey;

    /// <summary>Creates a decryptor for <paramref name="secretKey"/>.</summary>
    public Decryptor(BfvContext context, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secretKey);
        Guard.SameContext(context, secretKey.Context, "secret key");
        _context = context;
        _secretKey = secretKey;
    }

    /// <summary>Decrypts into a new coefficient-form plaintext.</summary>
    public Plaintext Decrypt(Ciphertext encrypted)
    {
        var plain = new Plaintext(_context);
        Decrypt(encrypted, plain);
        return plain;
    }

    /// <summary>Decrypts into <paramref name="destination"/> (coefficient form).</summary>
    /// <exception cref="NoiseBudgetExhaustedException">The noise is too large for a trustworthy result.</exception>
    public void Decrypt(Ciphertext encrypted, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.IsNttForm)
        {
            throw new ArgumentException("The destination plaintext must be in coefficient form.", nameof(destination));
        }

        LevelContext level = CheckCiphertext(encrypted);
        using var x = new PooledBuffer(level.PolyLength);
        Phase(encrypted, level, x.Span);
        ScaleAndRound(level, x.Span, destination.Data);
    }

    /// <summary>
    /// m = round(t·x/Q) mod t for the phase x (coefficient form, the level's primes), by HPS; throws
    /// <see cref="NoiseBudgetExhaustedException"/> (and clears <paramref name="result"/>) when ‖ν‖∞ ≥ 1/4.
    /// Shared with the multiparty decryption, whose phase is c_0 + Σ_j (s_j·c_1 + e_j).
    /// </summary>
    internal static void ScaleAndRound(LevelContext level, ReadOnlySpan<ulong> x, Span<ulong> result)
    {
        int n = level.N;
        Modulus t = level.Context.PlainModulus;
        ulong worst = 0;
        for (int i = 0; i < n; i++)
        {
            ulong intSum = 0, fracLo = 0, fracHi = 0;
            for (int j = 0; j < level.Count; j++)
            {
                Modulus q = level.Moduli[j];
                ulong y = q.MultiplyShoup(x[(j * n) + i], level.QHatInv[j], level.QHatInvShoup[j]);
                ulong hi = Math.BigMul(y, level.TOverQFraction[j], out ulong lo);
                intSum += hi; // each hi < t < 2^60 and at most 16 terms: no overflow
                fracLo += lo;
                fracHi += fracLo < lo ? 1UL : 0UL;
            }

            // value = intSum + fracHi + fracLo/2^64; round to nearest and keep the rounded-away part as ν.
            ulong roundUp = fracLo >> 63;
            result[i] = t.Reduce(intSum + fracHi + roundUp);
            ulong nu = roundUp != 0 ? 0UL - fracLo : fracLo; // |ν|·2^64
            worst = Math.Max(worst, nu);
        }

        if (worst >= NoiseLimit)
        {
            result.Clear();
            throw new NoiseBudgetExhaustedException(
                $"Decryption refused: the invariant noise ‖ν‖∞ ≈ {worst / 18446744073709551616.0:F3} is at least 1/4 " +
                "(under one bit of noise budget), so the result cannot be trusted. Use larger parameters, fewer " +
                "multiplications, or relinearize/mod-switch less aggressively.");
        }
    }

    /// <summary>
    /// SEAL's invariant noise budget in bits: log2(Q) − log2(‖[t·(c_0 + c_1·s + …)]_Q‖∞) − 1, clamped at 0.
    /// Decryption is correct while it is positive. Costs a multi-precision CRT composition; diagnostics only.
    /// </summary>
    public int InvariantNoiseBudget(Ciphertext encrypted)
    {
        LevelContext level = CheckCiphertext(encrypted);
        using var phase = new PooledBuffer(level.PolyLength);
        Phase(encrypted, level, phase.Span);
        ReadOnlySpan<ulong> x = phase.Span;
        int n = _context.N;
        ulong t = _context.PlainModulus.Value;
        BigInteger q = level.Q, halfQ = q >> 1, worst = BigInteger.Zero;
        var hats = level.Moduli.Select(m => q / m.Value).ToArray();
        for (int i = 0; i < n; i++)
        {
            BigInteger value = BigInteger.Zero;
            for (int j = 0; j < level.Count; j++)
            {
                Modulus m = level.Moduli[j];
                ulong y = m.MultiplyShoup(m.Multiply(x[(j * n) + i], m.Reduce(t)), level.QHatInv[j], level.QHatInvShoup[j]);
                value += hats[j] * y;
            }

            value %= q;
            if (value > halfQ)
            {
                value = q - value;
            }

            if (value > worst)
            {
                worst = value;
            }
        }

        int budget = level.QBitCount - (int)worst.GetBitLength() - 1;
        return Math.Max(0, budget);
    }

    private LevelContext CheckCiphertext(Ciphertext encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        Guard.SameContext(_context, encrypted.Context, "ciphertext");
        return _context.Level(encrypted.Level);
    }

    /// <summary>
    /// x = [c_0 + c_1·s + c_2·s² + …]_Q in coefficient form (SEAL <c>dot_product_ct_sk_array</c>), into pooled scratch
    /// that the caller returns (cleared) to the pool.
    /// </summary>
    private void Phase(Ciphertext encrypted, LevelContext level, Span<ulong> x)
    {
        int n = _context.N, len = level.PolyLength;
        ReadOnlySpan<ulong> s = _secretKey.Data.AsSpan(0, len);
        using var powerBuffer = new PooledBuffer(len);
        using var termBuffer = new PooledBuffer(len);
        Span<ulong> power = powerBuffer.Span, term = termBuffer.Span;
        s.CopyTo(power);
        for (int k = 1; k < encrypted.Size; k++)
        {
            encrypted.Poly(k).CopyTo(term);
            if (!encrypted.IsNttForm)
            {
                RnsPoly.ForwardNtt(term, level.Ntt, level.Count);
            }

            RnsPoly.MultiplyAddPointwise(term, power, x, level.Moduli, n);
            if (k + 1 < encrypted.Size)
            {
                RnsPoly.MultiplyPointwise(power, s, power, level.Moduli, n);
            }
        }

        if (encrypted.IsNttForm)
        {
            RnsPoly.Add(x, encrypted.Poly(0), x, level.Moduli, n);
            RnsPoly.InverseNtt(x, level.Ntt, level.Count);
        }
        else
        {
            RnsPoly.InverseNtt(x, level.Ntt, level.Count);
            RnsPoly.Add(x, encrypted.Poly(0), x, level.Moduli, n);
        }
    }
}

/// <summary>Thrown when a ciphertext's noise is too large for decryption to be trusted.</summary>
public sealed class NoiseBudgetExhaustedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NoiseBudgetExhaustedException(string message)
        : base(message)
    {
    }
}
