using Seco.Nn.Field;

namespace Seco.Protocol.Crypto;

/// <summary>Vector arithmetic over Z_p for shares and masks (paper §III-B-5).</summary>
public static class ZpVector
{
    public static ulong[] Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        Same(a, b);
        var r = new ulong[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = PrimeField.Add(a[i], b[i]);
        return r;
    }

    public static ulong[] Subtract(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        Same(a, b);
        var r = new ulong[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = PrimeField.Subtract(a[i], b[i]);
        return r;
    }

    public static ulong[] Negate(ReadOnlySpan<ulong> a)
    {
        var r = new ulong[a.Length];
        for (int i = 0; i < r.Length; i++) r[i] = PrimeField.Negate(a[i]);
        return r;
    }

    /// <summary>W·x + Σ addends mod p for a row-major rows×columns matrix of residues; zero entries are skipped.</summary>
    public static ulong[] MultiplyAdd(ulong[] matrix, int rows, int columns, ReadOnlySpan<ulong> x, params ulong[][] addends)
    {
        if (matrix.Length != rows * columns || x.Length != columns)
            throw new ArgumentException($"a {rows}×{columns} matrix times a vector of {x.Length}");
        var y = new ulong[rows];
        for (int o = 0; o < rows; o++)
        {
            // Each product is below 2^82 and a row has at most 2^12 terms, so the UInt128 sum cannot overflow.
            UInt128 acc = 0;
            ReadOnlySpan<ulong> row = matrix.AsSpan(o * columns, columns);
            for (int c = 0; c < columns; c++)
            {
                ulong w = row[c];
                if (w != 0) acc += (UInt128)w * x[c];
            }
            foreach (ulong[] add in addends) acc += add[o];
            y[o] = (ulong)(acc % PrimeField.P);
        }
        return y;
    }

    private static void Same(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"vectors of {a.Length} and {b.Length} elements");
    }
}
