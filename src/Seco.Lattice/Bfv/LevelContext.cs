using System.Numerics;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

/// <summary>
/// Precomputation for one ciphertext level — the first <see cref="Count"/> data primes q_0..q_{ℓ−1} (SEAL's
/// <c>ContextData</c> for one <c>parms_id</c>). Level ℓ = L is where fresh ciphertexts live; every
/// <c>mod_switch_to_next</c> drops the last prime of the current level, as SEAL does.
/// </summary>
internal sealed class LevelContext
{
    private readonly Lazy<MultiplyConstants> _multiply;

    internal LevelContext(BfvContext context, int count)
    {
        Context = context;
        Count = count;
        N = context.N;
        Moduli = context.KeyModuli.Take(count).ToArray();
        Ntt = context.NttTables.Take(count).ToArray();
        ulong t = context.PlainModulus.Value;
        Q = Moduli.Aggregate(BigInteger.One, (p, q) => p * q.Value);
        QBitCount = (int)Q.GetBitLength();

        // Δ·m rounding of SEAL's multiply_add_plain_with_scaling_variant: floor(Q/t)·m + floor(((Q mod t)·m + ⌊(t+1)/2⌋) / t).
        QModT = (ulong)(Q % t);
        BigInteger qDivT = Q / t;
        QDivTModQi = Moduli.Select(q => (ulong)(qDivT % q.Value)).ToArray();
        PlainUpperHalfThreshold = (t + 1) >> 1;
        PlainUpperHalfIncrement = Moduli.Select(q => q.Value - t).ToArray();

        // HPS decryption (Halevi–Polyakov–Shoup 2018, §3.2): t·x/Q ≡ Σ_j y_j · (t/q_j) (mod t) with
        // y_j = [x_j · (Q/q_j)^{-1}]_{q_j}; t/q_j < 1 is held as the 64-bit fraction floor(2^64·t/q_j).
        QHatInv = new ulong[count];
        QHatInvShoup = new ulong[count];
        TOverQFraction = new ulong[count];
        for (int j = 0; j < count; j++)
        {
            Modulus q = Moduli[j];
            QHatInv[j] = q.Inverse((ulong)(Q / q.Value % q.Value));
            QHatInvShoup[j] = q.ShoupPrecompute(QHatInv[j]);
            TOverQFraction[j] = (ulong)(((UInt128)t << 64) / q.Value);
        }

        if (count >= 2)
        {
            // mod_switch_to_next: round(c / q_last) in the remaining primes (SEAL divide_and_round_q_last_inplace).
            Modulus last = Moduli[count - 1];
            LastInvModQi = new ulong[count - 1];
            for (int i = 0; i < count - 1; i++)
            {
                LastInvModQi[i] = Moduli[i].Inverse(Moduli[i].Reduce(last.Value));
            }
        }
        else
        {
            LastInvModQi = [];
        }

        _multiply = new Lazy<MultiplyConstants>(() => new MultiplyConstants(this));
    }

    public BfvContext Context { get; }

    /// <summary>Number of primes ℓ at this level.</summary>
    public int Count { get; }

    public int N { get; }

    public Modulus[] Moduli { get; }

    public NttTables[] Ntt { get; }

    /// <summary>Q = q_0 ⋯ q_{ℓ−1}.</summary>
    public BigInteger Q { get; }

    public int QBitCount { get; }

    public ulong QModT { get; }

    public ulong[] QDivTModQi { get; }

    public ulong PlainUpperHalfThreshold { get; }

    public ulong[] PlainUpperHalfIncrement { get; }

    public ulong[] QHatInv { get; }

    public ulong[] QHatInvShoup { get; }

    public ulong[] TOverQFraction { get; }

    public ulong[] LastInvModQi { get; }

    /// <summary>Constants of the HPS ciphertext multiplication (built on first use).</summary>
    public MultiplyConstants Multiply => _multiply.Value;

    /// <summary>Number of ulongs in one RNS polynomial at this level.</summary>
    public int PolyLength => Count * N;
}

/// <summary>
/// Auxiliary base and conversions for the HPS ciphertext product (Halevi, Polyakov &amp; Shoup 2018, §4; the
/// "scale in Q first" variant of Kim, Polyakov &amp; Zucca 2021, §3): operands are lifted exactly from Q to Q ∪ P,
/// tensored there, and round(t·x/Q) is obtained modulo P as (t·x − [t·x]_Q)·Q^{-1}, then extended back to Q.
/// </summary>
internal sealed class MultiplyConstants
{
    /// <summary>Auxiliary primes are 60-bit NTT primes, the largest SEAL allows for a user modulus.</summary>
    public const int AuxPrimeBits = 60;

    /// <summary>log2 of the number of tensor products one scale-down may sum (see <see cref="Evaluator.DotProduct"/>).</summary>
    public const int AccumulationBits = 6;

    /// <summary>The largest number of tensor products one scale-down may sum.</summary>
    public const int MaxAccumulated = 1 << AccumulationBits;

    public MultiplyConstants(LevelContext level)
    {
        int n = level.N;
        ulong t = level.Context.PlainModulus.Value;

        // P must hold the tensor (|x| ≤ n·Q²/2 needs QP > n·Q²) and the scaled result (|y| ≤ t·n·Q/2 + 1 needs
        // P > t·n·Q + 2); three spare bits keep y far from ±P/2 so the extension back to Q is exact. A sum of up to
        // 2^AccumulationBits tensors (Evaluator.DotProduct) scales both bounds, hence the extra bits.
        double needBits = level.QBitCount + (64 - BitOperations.LeadingZeroCount(t)) + BitOperations.Log2((uint)n) + 3 + AccumulationBits;
        var used = new HashSet<ulong>(level.Context.KeyModuli.Select(q => q.Value)) { t };
        var aux = new List<Modulus>();
        double bits = 0;
        foreach (ulong p in Primes.NttPrimes(AuxPrimeBits, n, 64).Where(p => !used.Contains(p)))
        {
            if (bits >= needBits)
            {
                break;
            }

            aux.Add(new Modulus(p));
            bits += Math.Log2(p);
        }

        Aux = aux.ToArray();
        AuxNtt = Aux.Select(p => new NttTables(n, p)).ToArray();

        QToAux = new BaseConverter(level.Moduli, Aux);
        AuxToQ = new BaseConverter(Aux, level.Moduli);
        TModQ = level.Moduli.Select(q => q.Reduce(t)).ToArray();
        TModAux = Aux.Select(p => p.Reduce(t)).ToArray();
        QInvModAux = Aux.Select(p => p.Inverse((ulong)(level.Q % p.Value))).ToArray();
        AllModuli = [.. level.Moduli, .. Aux];
        AllNtt = [.. level.Ntt, .. AuxNtt];
    }

    public Modulus[] Aux { get; }

    public NttTables[] AuxNtt { get; }

    public BaseConverter QToAux { get; }

    public BaseConverter AuxToQ { get; }

    public ulong[] TModQ { get; }

    public ulong[] TModAux { get; }

    public ulong[] QInvModAux { get; }

    /// <summary>Q's primes followed by P's.</summary>
    public Modulus[] AllModuli { get; }

    public NttTables[] AllNtt { get; }
}
