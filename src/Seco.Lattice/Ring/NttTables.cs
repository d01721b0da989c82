namespace Seco.Lattice.Ring;

/// <summary>
/// Precomputed twiddle factors for the negacyclic NTT of length n modulo a prime q ≡ 1 (mod 2n).
/// Powers of ψ (a primitive 2n-th root, so ψ^n = −1) are stored in bit-reversed order with their Shoup quotients,
/// which is the order the merged-twist Cooley–Tukey / Gentleman–Sande loops consume them in
/// (Longa &amp; Naehrig 2016, "Speeding up the Number Theoretic Transform for Faster Ideal Lattice-Based
/// Cryptography", Alg. 1–2; same layout as SEAL's <c>NTTTables::root_powers_</c>).
/// </summary>
public sealed class NttTables
{
    /// <summary>Smallest supported transform length.</summary>
    public const int MinN = 2;

    /// <summary>Largest supported transform length.</summary>
    public const int MaxN = 32768;

    private readonly ulong[] _roots;
    private readonly ulong[] _rootsShoup;
    private readonly ulong[] _invRoots;
    private readonly ulong[] _invRootsShoup;
    private ulong[]? _rootsOverQ;
    private ulong[]? _invRootsOverQ;

    /// <summary>
    /// Builds tables for length <paramref name="n"/> and prime modulus <paramref name="modulus"/>, using the minimal
    /// primitive 2n-th root of unity (as SEAL does, see <see cref="Primes.PrimitiveRoot(ulong, Modulus)"/>).
    /// </summary>
    public NttTables(int n, Modulus modulus)
        : this(n, modulus, psi: null)
    {
    }

    /// <summary>Builds tables for an explicitly chosen primitive 2n-th root of unity <paramref name="psi"/>.</summary>
    public NttTables(int n, Modulus modulus, ulong? psi)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        if (n < MinN || n > MaxN || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"n must be a power of two in [{MinN}, {MaxN}].");
        }

        ulong q = modulus.Value;

        // Harvey's lazy butterflies keep values in [0, 4q); that must fit a word. Modulus already enforces
        // q < 2^61, but the NTT relies on it, so state the requirement where it is used.
        if (q >= 1UL << 62)
        {
            throw new ArgumentException("The NTT requires 4q < 2^64.", nameof(modulus));
        }

        ulong twoN = 2UL * (ulong)n;
        if ((q - 1) % twoN != 0)
        {
            throw new ArgumentException($"Modulus {q} is not congruent to 1 mod 2n = {twoN}.", nameof(modulus));
        }

        ulong root = psi ?? Primes.PrimitiveRoot(twoN, modulus);
        if (root >= q || modulus.Pow(root, (ulong)n) != q - 1)
        {
            throw new ArgumentException($"{root} is not a primitive {twoN}-th root of unity mod {q}.", nameof(psi));
        }

        N = n;
        LogN = int.Log2(n);
        Modulus = modulus;
        Psi = root;

        _roots = new ulong[n];
        _rootsShoup = new ulong[n];
        _invRoots = new ulong[n];
        _invRootsShoup = new ulong[n];

        ulong invRoot = modulus.Inverse(root);
        ulong power = 1, invPower = 1;
        for (int i = 0; i < n; i++)
        {
            int k = (int)BitReverse((uint)i, LogN);
            _roots[k] = power;
            _rootsShoup[k] = modulus.ShoupPrecompute(power);
            _invRoots[k] = invPower;
            _invRootsShoup[k] = modulus.ShoupPrecompute(invPower);
            power = modulus.Multiply(power, root);
            invPower = modulus.Multiply(invPower, invRoot);
        }

        InvN = modulus.Inverse((ulong)n);
        InvNShoup = modulus.ShoupPrecompute(InvN);

        // The last inverse layer (a single group, twiddle ψ^{-n/2}) is merged with the 1/n scaling (as SEAL does).
        LastInvRootTimesInvN = modulus.Multiply(_invRoots[1], InvN);
        LastInvRootTimesInvNShoup = modulus.ShoupPrecompute(LastInvRootTimesInvN);
    }

    /// <summary>Transform length n (a power of two).</summary>
    public int N { get; }

    /// <summary>log2(n).</summary>
    public int LogN { get; }

    /// <summary>The prime modulus q.</summary>
    public Modulus Modulus { get; }

    /// <summary>The primitive 2n-th root of unity ψ the tables are built from.</summary>
    public ulong Psi { get; }

    /// <summary>n^{-1} mod q.</summary>
    public ulong InvN { get; }

    /// <summary>Shoup quotient of <see cref="InvN"/>.</summary>
    public ulong InvNShoup { get; }

    /// <summary>ψ^{-n/2} · n^{-1} mod q, the twiddle of the merged last inverse layer.</summary>
    public ulong LastInvRootTimesInvN { get; }

    /// <summary>Shoup quotient of <see cref="LastInvRootTimesInvN"/>.</summary>
    public ulong LastInvRootTimesInvNShoup { get; }

    /// <summary>ψ^{bitrev(k)} at index k.</summary>
    public ReadOnlySpan<ulong> RootPowers => _roots;

    /// <summary>Shoup quotients of <see cref="RootPowers"/>.</summary>
    public ReadOnlySpan<ulong> RootPowersShoup => _rootsShoup;

    /// <summary>ψ^{−bitrev(k)} at index k.</summary>
    public ReadOnlySpan<ulong> InvRootPowers => _invRoots;

    /// <summary>Shoup quotients of <see cref="InvRootPowers"/>.</summary>
    public ReadOnlySpan<ulong> InvRootPowersShoup => _invRootsShoup;

    internal ulong[] RootsArray => _roots;

    internal ulong[] RootsShoupArray => _rootsShoup;

    internal ulong[] InvRootsArray => _invRoots;

    internal ulong[] InvRootsShoupArray => _invRootsShoup;

    /// <summary>
    /// Bits of the doubles w/q (correctly rounded) for the twiddles w of <see cref="RootPowers"/>: the AVX-512 NTT
    /// estimates Shoup quotients in floating point for small moduli (NegacyclicNtt.Avx512.cs). Built on first use;
    /// a race only builds the same table twice.
    /// </summary>
    internal ulong[] RootsOverQArray => _rootsOverQ ??= RatiosToModulus(_roots);

    /// <summary>As <see cref="RootsOverQArray"/> for <see cref="InvRootPowers"/>.</summary>
    internal ulong[] InvRootsOverQArray => _invRootsOverQ ??= RatiosToModulus(_invRoots);

    /// <summary>w/q as double bits for every w of <paramref name="twiddles"/>.</summary>
    private ulong[] RatiosToModulus(ulong[] twiddles)
    {
        double q = Modulus.Value;
        var ratios = new ulong[twiddles.Length];
        for (int i = 0; i < twiddles.Length; i++)
        {
            ratios[i] = BitConverter.DoubleToUInt64Bits(twiddles[i] / q);
        }

        return ratios;
    }

    /// <summary>Reverses the low <paramref name="bits"/> bits of <paramref name="value"/>.</summary>
    public static uint BitReverse(uint value, int bits)
    {
        if (bits == 0)
        {
            return 0;
        }

        uint r = value;
        r = ((r >> 1) & 0x55555555u) | ((r & 0x55555555u) << 1);
        r = ((r >> 2) & 0x33333333u) | ((r & 0x33333333u) << 2);
        r = ((r >> 4) & 0x0F0F0F0Fu) | ((r & 0x0F0F0F0Fu) << 4);
        r = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(r);
        return r >> (32 - bits);
    }
}
