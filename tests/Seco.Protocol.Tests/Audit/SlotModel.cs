using Seco.Nn.Field;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// What every one of the n slots of a packed Lin-OP product holds before any mask, written from the layout's
/// description (MatVecLayout's documentation: Halevi–Shoup generalised diagonals on both batching rows, a row swap,
/// then rotate-and-add folds) rather than from MatVec's code, so the audit does not trust the code it audits. With
/// S = n/2, m', k' the padded sizes, h = min(m', k')/2 and X the input repeated with period k':
/// row 0 before the swap is Σ_{i&lt;h} diag_i ⊙ rot(X, i), row 1 is Σ_{i&lt;h} diag_{h+i} ⊙ rot(X, h + i); the swap
/// makes both rows their sum; each fold step c = m', 2m', … &lt; k' adds rot(row, c). rot(v, c)[j] = v[(j + c) mod S].
/// A party that decrypts such a product learns every slot, so every slot is a linear function of the weights and
/// the encrypted vector that a mask must hide. <see cref="SlotModelTests"/> checks the model against real products.
/// </summary>
internal static class SlotModel
{
    /// <summary>The n slot values of M·x (M row-major rows×columns, residues mod p) as the packed product leaves them.</summary>
    public static ulong[] Slots(ulong[] matrix, int rows, int columns, ReadOnlySpan<ulong> x, int n)
    {
        int s = n / 2;
        int mp = Pad(rows), kp = Pad(columns), d = Math.Min(mp, kp), h = d / 2, len = Math.Max(mp, kp);
        var packed = new ulong[s]; // X: x repeated with period k', zero-padded from k to k'
        for (int j = 0; j < s; j++)
            packed[j] = j % kp < columns ? x[j % kp] : 0;

        var sum = new UInt128[s]; // row 0 + row 1 before reduction: both rows after the swap
        for (int half = 0; half < 2; half++)
        {
            for (int i = 0; i < h; i++)
            {
                int diagonal = (half * h) + i;
                for (int j = 0; j < len; j++)
                {
                    int r = j % mp, c = (j + diagonal) % kp;
                    if (r >= rows || c >= columns) continue;
                    ulong w = matrix[(r * columns) + c];
                    if (w != 0) sum[j] += (UInt128)w * packed[(j + diagonal) % s];
                }
            }
        }

        var row = new ulong[s];
        for (int j = 0; j < s; j++) row[j] = (ulong)(sum[j] % PrimeField.P);
        for (int c = mp; c < kp; c *= 2)
        {
            var folded = new ulong[s];
            for (int j = 0; j < s; j++) folded[j] = PrimeField.Add(row[j], row[(j + c) % s]);
            row = folded;
        }

        var slots = new ulong[n];
        row.CopyTo(slots, 0);
        row.CopyTo(slots, s);
        return slots;
    }

    private static int Pad(int size) => Math.Max(2, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size));
}
