using System.Numerics;

namespace Seco.Lattice.Linear;

/// <summary>
/// The slot layout and baby-step/giant-step plan for y = M·x with a plaintext or encrypted m×k matrix M and an
/// encrypted vector x, by the diagonal method (Halevi–Shoup, CRYPTO 2014 §4.1) generalised to rectangular matrices
/// ("hybrid" method, Juvekar–Vaikuntanathan–Chandrakasan, Gazelle, USENIX Security 2018 §5.2).
/// <para>
/// Let S = n/2 be the length of a batching row, m' and k' the sizes rounded up to powers of two (≥ 2, ≤ S), and
/// D = min(m', k'). Generalised diagonal i (i &lt; D) is the length-S vector diag_i[j] = M[j mod m'][(j + i) mod k']
/// for j &lt; max(m', k') (zero elsewhere and outside M). With x repeated with period k' across the row (X),
/// y'[j] = Σ_i diag_i[j]·X[j + i]; when k' &gt; m' (a "wide" matrix) the k'/m' partial sums y'[r + c·m'] are folded
/// into y[r] by log2(k'/m') rotate-and-add steps.
/// </para>
/// <para>
/// <b>Both batching rows are used.</b> Row 0 holds X and computes diagonals 0..h−1 (h = D/2); row 1 holds X rotated by h
/// and computes diagonals h..D−1 with the same rotations, so each plaintext product and each rotation does two
/// diagonals' work. A row swap then adds the halves. The halves are summed over i = g·B + b (B baby steps, G giant
/// steps, B·G = h) as Σ_g rot(Σ_b rot(diag_i, −g·B) ⊙ rot(X, b), g·B), so only B − 1 (hoisted) baby rotations and G − 1
/// giant rotations are needed (Halevi–Shoup 2018, "baby-step/giant-step").
/// </para>
/// The result y sits in slots 0..m−1 of both rows (<see cref="UnpackOutput"/>). This layout is what the next party
/// must expect when it decrypts (or decrypts shares of) a layer's output.
/// </summary>
public sealed class MatVecLayout
{
    /// <summary>Plans an m×k product for ring degree <paramref name="n"/> (slots per row n/2).</summary>
    public MatVecLayout(int rows, int columns, int n)
    {
        if (n < 4 || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"The ring degree must be a power of two ≥ 4, not {n}.");
        }

        RowSize = n / 2;
        if (rows < 1 || columns < 1)
        {
            throw new ArgumentOutOfRangeException(rows < 1 ? nameof(rows) : nameof(columns), $"A {rows}×{columns} matrix has no entries.");
        }

        PaddedRows = Math.Max(2, (int)BitOperations.RoundUpToPowerOf2((uint)rows));
        PaddedColumns = Math.Max(2, (int)BitOperations.RoundUpToPowerOf2((uint)columns));
        if (PaddedRows > RowSize || PaddedColumns > RowSize)
        {
            throw new ArgumentOutOfRangeException(
                PaddedRows > RowSize ? nameof(rows) : nameof(columns),
                $"A {rows}×{columns} matrix pads to {PaddedRows}×{PaddedColumns}, but a batching row at n = {n} holds {RowSize} slots; split the layer into blocks of at most {RowSize} rows and columns.");
        }

        Rows = rows;
        Columns = columns;
        Diagonals = Math.Min(PaddedRows, PaddedColumns);
        Half = Diagonals / 2;
        BabySteps = 1 << ((BitOperations.Log2((uint)Half) + 1) / 2);
        GiantSteps = Half / BabySteps;
    }

    /// <summary>m, the output length.</summary>
    public int Rows { get; }

    /// <summary>k, the input length.</summary>
    public int Columns { get; }

    /// <summary>m rounded up to a power of two.</summary>
    public int PaddedRows { get; }

    /// <summary>k rounded up to a power of two: the period of the packed input.</summary>
    public int PaddedColumns { get; }

    /// <summary>S = n/2 slots per batching row.</summary>
    public int RowSize { get; }

    /// <summary>D = min(m', k') generalised diagonals.</summary>
    public int Diagonals { get; }

    /// <summary>h = D/2: diagonals handled per row, hence plaintext products per ciphertext.</summary>
    public int Half { get; }

    /// <summary>B: baby steps (hoisted rotations of the input).</summary>
    public int BabySteps { get; }

    /// <summary>G = h/B: giant steps (rotations of partial sums).</summary>
    public int GiantSteps { get; }

    /// <summary>True when k' &gt; m': partial sums are folded by log2(k'/m') rotations.</summary>
    public bool IsWide => PaddedColumns > PaddedRows;

    /// <summary>The fold rotations m', 2m', … &lt; k' of a wide matrix.</summary>
    public IEnumerable<int> FoldSteps
    {
        get
        {
            for (int c = PaddedRows; c < PaddedColumns; c *= 2)
            {
                yield return c;
            }
        }
    }

    /// <summary>
    /// Every row-rotation step the product may use (baby steps, giant steps, folds), all positive and below n/2;
    /// the product also needs the row swap (<see cref="Bfv.GaloisTool.RowSwapElement"/>).
    /// </summary>
    public IReadOnlyList<int> RotationSteps =>
        Enumerable.Range(1, BabySteps - 1)
            .Concat(Enumerable.Range(1, GiantSteps - 1).Select(g => g * BabySteps))
            .Concat(FoldSteps)
            .Distinct().Order().ToArray();

    /// <summary>
    /// The n slot values of the encrypted input: row 0 is x repeated with period k' (zero-padded from k to k'),
    /// row 1 the same rotated left by h. Entries are residues mod <paramref name="plainModulus"/>.
    /// </summary>
    public ulong[] PackInput(ReadOnlySpan<ulong> x, ulong plainModulus)
    {
        if (x.Length != Columns)
        {
            throw new ArgumentException($"The input has {x.Length} entries; the matrix has {Columns} columns.", nameof(x));
        }

        var slots = new ulong[2 * RowSize];
        for (int s = 0; s < RowSize; s++)
        {
            int c0 = s % PaddedColumns, c1 = (s + Half) % PaddedColumns;
            slots[s] = c0 < Columns ? Reduce(x[c0], plainModulus, c0) : 0;
            slots[RowSize + s] = c1 < Columns ? Reduce(x[c1], plainModulus, c1) : 0;
        }

        return slots;
    }

    /// <summary>y = slots 0..m−1 (row 0) of a decrypted product.</summary>
    public ulong[] UnpackOutput(ReadOnlySpan<ulong> slots)
    {
        if (slots.Length != 2 * RowSize)
        {
            throw new ArgumentException($"Expected {2 * RowSize} slots, got {slots.Length}.", nameof(slots));
        }

        return slots[..Rows].ToArray();
    }

    /// <summary>
    /// The n slot values of the output-layout plaintext holding <paramref name="v"/> (length m) in slots 0..m−1 of
    /// both rows, e.g. a bias or a mask to add to or subtract from a product.
    /// </summary>
    public ulong[] PackOutput(ReadOnlySpan<ulong> v, ulong plainModulus)
    {
        if (v.Length != Rows)
        {
            throw new ArgumentException($"The vector has {v.Length} entries; the matrix has {Rows} rows.", nameof(v));
        }

        var slots = new ulong[2 * RowSize];
        for (int r = 0; r < Rows; r++)
        {
            slots[r] = slots[RowSize + r] = Reduce(v[r], plainModulus, r);
        }

        return slots;
    }

    /// <summary>
    /// The slot vector of plaintext (g, b): row 0 is diag_{gB+b} and row 1 diag_{h+gB+b}, both rotated right by g·B;
    /// <paramref name="matrix"/> is row-major m×k with residues mod t. Returns false when both rows are zero.
    /// </summary>
    internal bool DiagonalSlots(ReadOnlySpan<ulong> matrix, int giant, int baby, Span<ulong> slots)
    {
        slots.Clear();
        int shift = giant * BabySteps, i0 = shift + baby, length = Math.Max(PaddedRows, PaddedColumns);
        bool any = false;
        for (int half = 0; half < 2; half++)
        {
            int i = i0 + (half * Half);
            Span<ulong> row = slots.Slice(half * RowSize, RowSize);
            for (int j = 0; j < length; j++)
            {
                int r = j % PaddedRows, c = (j + i) % PaddedColumns;
                if (r >= Rows || c >= Columns)
                {
                    continue;
                }

                ulong v = matrix[(r * Columns) + c];
                row[(j + shift) % RowSize] = v;
                any |= v != 0;
            }
        }

        return any;
    }

    /// <summary>
    /// The plaintext products a matrix with non-zero entries where <paramref name="support"/> is true (row-major m×k)
    /// costs: the (g, b) plaintexts of <see cref="DiagonalSlots"/> with any non-zero entry, and the baby and giant
    /// rotations they need — the planner's side of the comparison with <see cref="ConvLayout"/>.
    /// </summary>
    public MatVecCost Cost(ReadOnlySpan<bool> support)
    {
        if (support.Length != (long)Rows * Columns)
        {
            throw new ArgumentException($"A {Rows}×{Columns} support has {(long)Rows * Columns} entries, not {support.Length}.", nameof(support));
        }

        var present = new bool[GiantSteps, BabySteps];
        int length = Math.Max(PaddedRows, PaddedColumns), products = 0;
        for (int g = 0; g < GiantSteps; g++)
        {
            for (int b = 0; b < BabySteps; b++)
            {
                for (int half = 0; half < 2 && !present[g, b]; half++)
                {
                    int i = (g * BabySteps) + b + (half * Half);
                    for (int j = 0; j < length; j++)
                    {
                        int r = j % PaddedRows, c = (j + i) % PaddedColumns;
                        if (r < Rows && c < Columns && support[(r * Columns) + c])
                        {
                            present[g, b] = true;
                            break;
                        }
                    }
                }

                products += present[g, b] ? 1 : 0;
            }
        }

        int babies = Enumerable.Range(1, BabySteps - 1).Count(b => Enumerable.Range(0, GiantSteps).Any(g => present[g, b]));
        int giants = Enumerable.Range(1, GiantSteps - 1).Count(g => Enumerable.Range(0, BabySteps).Any(b => present[g, b]));
        return new MatVecCost(products, babies, giants, FoldSteps.Count(), RotationSteps.Count + 1);
    }

    private static ulong Reduce(ulong v, ulong t, int index) =>
        v < t ? v : throw new ArgumentOutOfRangeException(nameof(v), $"Entry {index} is {v}, not a residue below t = {t}.");
}

/// <summary>What one diagonal mat-vec costs: plaintext products, hoisted baby rotations, giant rotations, fold rotations (plus one row swap), and Galois keys.</summary>
public sealed record MatVecCost(int Products, int BabyRotations, int GiantRotations, int FoldRotations, int GaloisKeys)
{
    /// <summary>Key switchings in all, the row swap included.</summary>
    public int KeySwitches => BabyRotations + GiantRotations + FoldRotations + 1;
}
