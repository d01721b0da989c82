namespace Seco.Garbling.Circuits.Gadgets;

/// <summary>
/// Comparisons of one secret bundle x with many public constants: flags [x mod 2^w ≥ c mod 2^w]. Scanning from the
/// least significant bit, g_0 = 1 and g_{i+1} = x_i ∧ g_i where c_i = 1, x_i ∨ g_i where c_i = 0 — one AND per
/// bit, the constant-operand carry chain (cf. Kolesnikov, Sadeghi, Schneider, CANS 2009). Over a run of equal
/// constant bits [i, j) this is g_j = g_i ∧ AND(x_i..x_{j−1}) or g_i ∨ OR(x_i..x_{j−1}), and the run reduction does
/// not depend on g_i, so constants whose runs overlap share it: the intersections of overlapping runs of the same kind
/// are planned too, and each run is reduced from the longest planned run it contains plus the leftover bits (built
/// on demand, so a planned run that nothing uses costs nothing). NTT-friendly moduli (p = 2^41 − 2^37 + 1) have long zero runs, so the
/// thresholds p, (p+1)/2, 2p, p + (p+1)/2, … that modular reduction and sign tests need cost a few ANDs each after
/// the first, instead of one per bit.
/// </summary>
public sealed class ConstantComparator
{
    private readonly CircuitBuilder _cb;
    private readonly Bit[] _x;
    private readonly Dictionary<(int Start, int End, bool IsOr), Bit> _runs = new();
    private readonly Dictionary<(int Width, UInt128 Low), Bit> _prefix = new();
    private readonly HashSet<(int Start, int End, bool IsOr)> _planned = new();

    /// <summary>A comparator on <paramref name="x"/> (little-endian); bits above its width are 0.</summary>
    public ConstantComparator(CircuitBuilder builder, ReadOnlySpan<Bit> x)
    {
        _cb = builder ?? throw new ArgumentNullException(nameof(builder));
        _x = x.ToArray();
    }

    /// <summary>[x ≥ c] for each constant.</summary>
    public Bit[] AtLeast(params UInt128[] constants) =>
        AtLeast(constants.Select(c => (c, Math.Max(_x.Length, BitLength(c)))).ToArray());

    /// <summary>[x mod 2^Width ≥ C mod 2^Width] for each query (Width ≤ 128), all reduced together so they share runs.</summary>
    public Bit[] AtLeast(IReadOnlyList<(UInt128 C, int Width)> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var runsPerQuery = new List<(int Start, int End, bool IsOr)>[queries.Count];
        var needed = new HashSet<(int, int, bool)>();
        for (int q = 0; q < queries.Count; q++)
        {
            var (c, width) = queries[q];
            if ((uint)width > 128) throw new ArgumentOutOfRangeException(nameof(queries), $"width {width} is outside 0..128");
            var runs = runsPerQuery[q] = Runs(c, width);
            // A leading run of zeros leaves g = 1 (anything ≥ 0), so its OR is never needed.
            for (int r = 0; r < runs.Count; r++)
                if (runs[r].End - runs[r].Start > 1 && (r > 0 || !runs[r].IsOr)) needed.Add(runs[r]);
        }
        // Plan the needed runs and their pairwise intersections (a run must not absorb bits outside it, so two
        // overlapping runs can share only their intersection).
        var fresh = needed.Where(r => _planned.Add(r)).ToList();
        while (fresh.Count > 0)
        {
            var next = new List<(int, int, bool)>();
            foreach (var a in fresh)
                foreach (var b in _planned.ToArray())
                {
                    var i = (Math.Max(a.Item1, b.Start), Math.Min(a.Item2, b.End), a.Item3);
                    if (a.Item3 == b.IsOr && i.Item2 - i.Item1 > 1 && _planned.Add(i)) next.Add(i);
                }
            fresh = next;
        }

        var flags = new Bit[queries.Count];
        for (int q = 0; q < queries.Count; q++)
        {
            var (c, width) = queries[q];
            Bit g = Bit.One;
            foreach (var run in runsPerQuery[q])
            {
                if (g.IsConstant && g.Value == run.IsOr) continue; // 1 ∨ … = 1 and 0 ∧ … = 0: the run is not needed
                var key = (run.End, Low(c, run.End));
                if (_prefix.TryGetValue(key, out var known)) { g = known; continue; }
                g = Combine(g, Reduce(run), run.IsOr);
                _prefix[key] = g;
            }
            flags[q] = g;
        }
        return flags;
    }

    private static List<(int Start, int End, bool IsOr)> Runs(UInt128 c, int width)
    {
        var runs = new List<(int, int, bool)>();
        for (int i = 0; i < width;)
        {
            bool one = BitAt(c, i);
            int j = i + 1;
            while (j < width && BitAt(c, j) == one) j++;
            runs.Add((i, j, !one));
            i = j;
        }
        return runs;
    }

    private Bit Reduce((int Start, int End, bool IsOr) run)
    {
        if (run.End - run.Start == 1) return X(run.Start);
        if (_runs.TryGetValue(run, out var known)) return known;
        // Build from the longest planned run of the same kind strictly inside this one, folding in the leftover bits.
        (int Start, int End) best = (run.Start, run.Start);
        foreach (var (start, end, isOr) in _planned)
            if (isOr == run.IsOr && start >= run.Start && end <= run.End && end - start < run.End - run.Start && end - start > best.End - best.Start)
                best = (start, end);
        Bit acc = best.End > best.Start ? Reduce((best.Start, best.End, run.IsOr)) : run.IsOr ? Bit.Zero : Bit.One;
        for (int i = run.Start; i < best.Start; i++) acc = Combine(acc, X(i), run.IsOr);
        for (int i = Math.Max(best.End, run.Start); i < run.End; i++) acc = Combine(acc, X(i), run.IsOr);
        return _runs[run] = acc;
    }

    private Bit Combine(Bit a, Bit b, bool isOr) => isOr ? Or(_cb, a, b) : _cb.And(a, b);

    /// <summary>a ∨ b with constants folded (the builder's Or would emit ¬b ⊕ b for 1 ∨ b).</summary>
    internal static Bit Or(CircuitBuilder cb, Bit a, Bit b)
    {
        if (a.IsConstant) return a.Value ? Bit.One : b;
        if (b.IsConstant) return b.Value ? Bit.One : a;
        return cb.Or(a, b);
    }

    private Bit X(int i) => i < _x.Length ? _x[i] : Bit.Zero;

    private static bool BitAt(UInt128 c, int i) => i < 128 && ((c >> i) & 1) != 0;

    private static UInt128 Low(UInt128 c, int width) => width >= 128 ? c : c & ((UInt128.One << width) - 1);

    internal static int BitLength(UInt128 c) => 128 - (int)UInt128.LeadingZeroCount(c);
}
