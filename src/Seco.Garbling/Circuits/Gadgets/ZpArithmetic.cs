namespace Seco.Garbling.Circuits.Gadgets;

/// <summary>
/// Gadgets on Z_p bundles (little-endian <see cref="Bit"/> arrays of <see cref="Width"/> bits holding a residue in
/// [0, p)), built to spend few AND gates under free-XOR garbling (Kolesnikov–Schneider 2008): every adder and
/// subtractor costs one AND per bit (carry = c ⊕ ((a ⊕ c) ∧ (b ⊕ c))), public constants fold away, and modular
/// reduction is done once per sum: a value known to be below K·p is compared with p, 2p, …, (K−1)p (see
/// <see cref="ConstantComparator"/>, which shares the work between those constants), the one-hot quotient selects
/// m·p as a bundle of XORs of flag bits (free), and a single subtraction finishes. The centred lift of a residue v
/// is v when v ≤ (p−1)/2 and v − p otherwise (docs/fixed-point.md); "negative" means v > (p−1)/2.
/// </summary>
public sealed class ZpArithmetic
{
    /// <summary>The SECO plaintext modulus p = 2^41 − 2^37 + 1 (paper §VIII-A).</summary>
    public const ulong DefaultModulus = 2061584302081;

    private readonly CircuitBuilder _cb;

    /// <summary>Gadgets emitting into <paramref name="builder"/> for the odd modulus <paramref name="modulus"/> (3 ≤ p &lt; 2^62).</summary>
    public ZpArithmetic(CircuitBuilder builder, ulong modulus = DefaultModulus)
    {
        _cb = builder ?? throw new ArgumentNullException(nameof(builder));
        if (modulus < 3 || modulus % 2 == 0 || modulus >= 1UL << 62)
            throw new ArgumentOutOfRangeException(nameof(modulus), $"p = {modulus} must be odd, at least 3 and below 2^62");
        Modulus = modulus;
        Width = ConstantComparator.BitLength(modulus);
    }

    /// <summary>The builder the gadgets emit into.</summary>
    public CircuitBuilder Builder => _cb;

    /// <summary>p.</summary>
    public ulong Modulus { get; }

    /// <summary>Bits of a residue bundle: the bit length of p.</summary>
    public int Width { get; }

    /// <summary>(p − 1)/2, the largest non-negative centred lift.</summary>
    public ulong HalfModulus => Modulus / 2;

    // ---------------------------------------------------------------- integer arithmetic on unsigned bundles

    /// <summary>(a + b + carryIn) mod 2^width, one AND per output bit below the top (whose carry-out is dropped).</summary>
    public Bit[] Add(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b, int width, Bit carryIn)
    {
        var sum = new Bit[width];
        Bit c = carryIn;
        for (int i = 0; i < width; i++)
        {
            Bit ai = At(a, i), bi = At(b, i);
            sum[i] = _cb.Xor(_cb.Xor(ai, bi), c);
            if (i + 1 < width) c = _cb.Xor(c, _cb.And(_cb.Xor(ai, c), _cb.Xor(bi, c)));
        }
        return sum;
    }

    /// <summary>(a + b) mod 2^width.</summary>
    public Bit[] Add(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b, int width) => Add(a, b, width, Bit.Zero);

    /// <summary>
    /// (a − b − borrowIn) mod 2^width; <paramref name="borrow"/> is the borrow out of the top bit, i.e. [a &lt; b + borrowIn]
    /// when both fit in <paramref name="width"/> bits. One AND per bit: borrow' = β ⊕ ((¬a ⊕ β) ∧ (b ⊕ β)) = maj(¬a, b, β).
    /// </summary>
    public Bit[] Subtract(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b, int width, Bit borrowIn, out Bit borrow) =>
        Subtract(a, b, width, borrowIn, finalBorrow: true, out borrow);

    /// <summary>(a − b) mod 2^width without the final borrow (which would cost one more AND).</summary>
    public Bit[] Subtract(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b, int width, Bit borrowIn) =>
        Subtract(a, b, width, borrowIn, finalBorrow: false, out _);

    private Bit[] Subtract(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b, int width, Bit borrowIn, bool finalBorrow, out Bit borrow)
    {
        var diff = new Bit[width];
        Bit beta = borrowIn;
        for (int i = 0; i < width; i++)
        {
            Bit ai = At(a, i), bi = At(b, i);
            diff[i] = _cb.Xor(_cb.Xor(ai, bi), beta);
            if (finalBorrow || i + 1 < width) beta = _cb.Xor(beta, _cb.And(_cb.Xor(_cb.Not(ai), beta), _cb.Xor(bi, beta)));
        }
        borrow = beta;
        return diff;
    }

    /// <summary>The public constant <paramref name="value"/> as a bundle (no gates).</summary>
    public static Bit[] Constant(UInt128 value, int width)
    {
        var bits = new Bit[width];
        for (int i = 0; i < width; i++) bits[i] = Bit.Constant(i < 128 && ((value >> i) & 1) != 0);
        return bits;
    }

    /// <summary>s · c for a secret bit s and public c: bit i is s where c has a 1 (no gates).</summary>
    public static Bit[] Scale(Bit s, UInt128 c, int width)
    {
        var bits = new Bit[width];
        for (int i = 0; i < width; i++) bits[i] = i < 128 && ((c >> i) & 1) != 0 ? s : Bit.Zero;
        return bits;
    }

    /// <summary>Bitwise s ? b : a, one AND per bit where a and b may differ.</summary>
    public Bit[] Mux(Bit s, ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b)
    {
        var r = new Bit[Math.Max(a.Length, b.Length)];
        for (int i = 0; i < r.Length; i++) r[i] = _cb.Mux(s, At(a, i), At(b, i));
        return r;
    }

    /// <summary>[x ≥ c] for each public constant, sharing work between them (<see cref="ConstantComparator"/>).</summary>
    public Bit[] AtLeast(ReadOnlySpan<Bit> x, params UInt128[] constants) => new ConstantComparator(_cb, x).AtLeast(constants);

    /// <summary>[a ≥ b] for two secret bundles: the complement of the borrow of a − b (one AND per bit).</summary>
    public Bit AtLeast(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b)
    {
        int width = Math.Max(a.Length, b.Length);
        var borrow = Bit.Zero;
        for (int i = 0; i < width; i++)
        {
            Bit ai = At(a, i), bi = At(b, i);
            borrow = _cb.Xor(borrow, _cb.And(_cb.Xor(_cb.Not(ai), borrow), _cb.Xor(bi, borrow)));
        }
        return _cb.Not(borrow);
    }

    // ---------------------------------------------------------------- modular arithmetic

    /// <summary>
    /// x mod p for x ≤ <paramref name="max"/>: flags F_m = [x ≥ m·p] for m = 1..⌊max/p⌋ (shared comparisons), one-hot
    /// quotient F_m ⊕ F_{m+1}, m·p selected by XORs (free), one subtraction of <see cref="Width"/> − 1 ANDs.
    /// </summary>
    public Bit[] Reduce(ReadOnlySpan<Bit> x, UInt128 max)
    {
        UInt128 p = Modulus;
        int multiples = (int)(max / p);
        if (multiples == 0) return Resize(x, Width);
        var thresholds = new UInt128[multiples];
        for (int m = 1; m <= multiples; m++) thresholds[m - 1] = (UInt128)m * p;
        var mp = SelectMultiple(OneHot(AtLeast(x, thresholds)), p, Width);
        return Subtract(x, mp, Width, Bit.Zero);
    }

    /// <summary>(Σ values) mod p for residues (each &lt; p): one exact sum, one reduction (not one per addition).</summary>
    public Bit[] AddMod(params Bit[][] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return SumMod(values.Select(v => (v, (UInt128)(Modulus - 1))).ToArray());
    }

    /// <summary>(Σ values) mod p where each value is an integer bundle bounded by its Max (tight bounds save comparisons).</summary>
    public Bit[] SumMod(IReadOnlyList<(Bit[] Value, UInt128 Max)> values)
    {
        var (sum, max) = Sum(values);
        return Reduce(sum, max);
    }

    /// <summary>The exact integer sum and its bound; each adder is as wide as the running bound needs.</summary>
    public (Bit[] Sum, UInt128 Max) Sum(IReadOnlyList<(Bit[] Value, UInt128 Max)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("nothing to add", nameof(values));
        // Add the narrowest terms first so the early adders are short.
        var ordered = values.OrderBy(v => v.Max).ToArray();
        Bit[] sum = Resize(ordered[0].Value, ConstantComparator.BitLength(ordered[0].Max));
        UInt128 max = ordered[0].Max;
        for (int t = 1; t < ordered.Length; t++)
        {
            max = checked(max + ordered[t].Max);
            sum = Add(sum, ordered[t].Value, ConstantComparator.BitLength(max));
        }
        return (sum, max);
    }

    /// <summary>(a − b) mod p: a − b with its borrow β, then + β·p (β·p is free; the addition is one AND per bit).</summary>
    public Bit[] SubMod(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b)
    {
        var diff = Subtract(a, b, Width, Bit.Zero, out var borrow);
        return Add(diff, Scale(borrow, Modulus, Width), Width);
    }

    /// <summary>[v is negative], i.e. v ≥ (p+1)/2, for a residue v: one comparison with a constant.</summary>
    public Bit IsNegative(ReadOnlySpan<Bit> v) => AtLeast(v, (UInt128)(HalfModulus + 1))[0];

    /// <summary>ReLU on a residue: v if its centred lift is ≥ 0, else 0. A non-negative v ≤ (p−1)/2 has a 0 top bit, so
    /// only <see cref="Width"/> − 1 bits are ANDed with ¬sign.</summary>
    public Bit[] Relu(ReadOnlySpan<Bit> v)
    {
        var positive = _cb.Not(IsNegative(v));
        var r = new Bit[Width];
        for (int i = 0; i < Width; i++) r[i] = i < Width - 1 ? _cb.And(At(v, i), positive) : Bit.Zero;
        return r;
    }

    /// <summary>
    /// Exact signed truncation: ⌊lift(v) / 2^shift⌋ mod p (rounding toward −∞). For negative v the result is
    /// (v ≫ s) − (p ≫ s) − [v mod 2^s &lt; p mod 2^s] + p = (v ≫ s) + (p − (p ≫ s) − 1) + [v mod 2^s ≥ p mod 2^s],
    /// so one adder with a carry-in, its addend sign·(p − (p ≫ s) − 1) free, finishes it.
    /// </summary>
    public Bit[] TruncateSigned(ReadOnlySpan<Bit> v, int shift)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        if (shift == 0) return Resize(v, Width);
        ulong p = Modulus;
        var queries = new List<(UInt128, int)> { ((UInt128)(HalfModulus + 1), Width) };
        if (shift < Width) queries.Add((p, shift)); // [v mod 2^s ≥ p mod 2^s]; for s ≥ Width, v < p makes it 0
        var flags = new ConstantComparator(_cb, v).AtLeast(queries);
        Bit negative = flags[0], lowAtLeast = shift < Width ? flags[1] : Bit.Zero;
        ReadOnlySpan<Bit> high = shift >= v.Length ? [] : v[shift..];
        ulong addend = p - (shift >= 64 ? 0 : p >> shift) - 1;
        return Add(high, Scale(negative, addend, Width), Width, _cb.And(negative, lowAtLeast));
    }

    /// <summary>
    /// The larger of two residues by centred lift (for max-pooling on reconstructed values, which the paper does not use; D15). Within
    /// one sign the residue order is the lift order; across signs the non-negative one wins.
    /// </summary>
    public Bit[] MaxSigned(ReadOnlySpan<Bit> a, ReadOnlySpan<Bit> b)
    {
        Bit na = IsNegative(a), nb = IsNegative(b);
        Bit unsignedGe = AtLeast(a, b);
        Bit aWins = _cb.Mux(_cb.Xor(na, nb), unsignedGe, nb);
        return Mux(aWins, b, a);
    }

    /// <summary>
    /// ReLU and truncation fused on an unreduced sum S ≤ <paramref name="max"/> of shares: returns
    /// max(0, ⌊lift(S mod p) / 2^shift⌋) as an integer bundle of <see cref="Width"/> − 1 − shift bits (it is at most
    /// ((p−1)/2) ≫ shift). The sign is the parity of the flags [S ≥ m·p] and [S ≥ m·p + (p+1)/2] (S mod p is negative
    /// exactly between m·p + (p+1)/2 and (m+1)·p); the one-hot quotient selects m·p for free; since floor and ReLU
    /// commute, only bits ≥ shift of S − m·p are computed (the borrow into bit shift is one AND per candidate m, from
    /// the comparator's low flags [S mod 2^s ≥ m·p mod 2^s]), and only those bits are ANDed with ¬sign.
    /// </summary>
    public Bit[] ReluTruncate(ReadOnlySpan<Bit> sum, UInt128 max, int shift)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        UInt128 p = Modulus, half = (UInt128)HalfModulus + 1;
        int outWidth = Math.Max(0, Width - 1 - shift);
        int multiples = (int)(max / p); // candidate quotients 0..multiples
        var queries = new List<(UInt128, int)>();
        int full = Math.Max(sum.Length, ConstantComparator.BitLength(max));
        for (int m = 0; m <= multiples; m++)
        {
            if (m > 0) queries.Add(((UInt128)m * p, full));
            if ((UInt128)m * p + half <= max) queries.Add(((UInt128)m * p + half, full));
        }
        for (int m = 1; m <= multiples; m++) queries.Add(((UInt128)m * p, Math.Min(shift, full)));
        var flags = new ConstantComparator(_cb, sum).AtLeast(queries);
        int fullCount = queries.Count - multiples;

        Bit negative = Bit.Zero;
        for (int q = 0; q < fullCount; q++) negative = _cb.Xor(negative, flags[q]);
        var atLeastMultiple = new Bit[multiples]; // [S ≥ m·p] for m = 1..multiples
        for (int m = 1; m <= multiples; m++) atLeastMultiple[m - 1] = flags[queries.IndexOf(((UInt128)m * p, full))];
        var quotientIs = OneHot(atLeastMultiple);
        var mp = SelectMultiple(quotientIs, p, full);

        Bit borrowIn = Bit.Zero;
        for (int m = 1; m <= multiples && shift > 0; m++)
            borrowIn = _cb.Xor(borrowIn, _cb.And(quotientIs[m - 1], _cb.Not(flags[fullCount + m - 1])));
        if (outWidth == 0) return [];
        var high = Subtract(sum.Length > shift ? sum[shift..] : [], mp.AsSpan(Math.Min(shift, mp.Length)), outWidth, borrowIn);
        var positive = _cb.Not(negative);
        for (int i = 0; i < outWidth; i++) high[i] = _cb.And(high[i], positive);
        return high;
    }

    /// <summary>One-hot quotient bits [q = m] = F_m ⊕ F_{m+1} (m = 1..) from nested flags F_m = [x ≥ m·p] (free).</summary>
    private Bit[] OneHot(ReadOnlySpan<Bit> atLeastMultiple)
    {
        var r = new Bit[atLeastMultiple.Length];
        for (int m = 0; m < r.Length; m++) r[m] = m + 1 < r.Length ? _cb.Xor(atLeastMultiple[m], atLeastMultiple[m + 1]) : atLeastMultiple[m];
        return r;
    }

    /// <summary>m·p as a bundle: bit i is the XOR of the one-hot bits [q = m] over the m whose m·p has bit i set (free).</summary>
    private Bit[] SelectMultiple(ReadOnlySpan<Bit> quotientIs, UInt128 p, int width)
    {
        var r = new Bit[width];
        Array.Fill(r, Bit.Zero);
        for (int m = 1; m <= quotientIs.Length; m++)
        {
            UInt128 mp = (UInt128)(UInt128)m * p;
            for (int i = 0; i < width && i < 128; i++)
                if (((mp >> i) & 1) != 0) r[i] = _cb.Xor(r[i], quotientIs[m - 1]);
        }
        return r;
    }

    private static Bit At(ReadOnlySpan<Bit> x, int i) => i < x.Length ? x[i] : Bit.Zero;

    private static Bit[] Resize(ReadOnlySpan<Bit> x, int width)
    {
        var r = new Bit[width];
        for (int i = 0; i < width; i++) r[i] = At(x, i);
        return r;
    }
}
