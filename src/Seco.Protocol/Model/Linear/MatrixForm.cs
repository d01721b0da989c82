using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.Field;
using Seco.Protocol.Crypto;

namespace Seco.Protocol.Model.Linear;

/// <summary>
/// A dense m×k matrix by the diagonal mat-vec (<see cref="MatVec"/>): one input and one output ciphertext, outputs in
/// slots 0..m−1 of both rows (the form every block had before issue 20), read from row 0. m, k ≤ n/2. A null
/// <paramref name="support"/> is a dense matrix (every entry may be non-zero).
/// </summary>
public sealed class MatrixForm(int rows, int columns, bool[]? support, int n) : HeForm
{
    public MatVecLayout Layout { get; } = new(rows, columns, n);

    public override int Rows => Layout.Rows;

    public override int Columns => Layout.Columns;

    public override int InputCiphertexts => 1;

    public override int OutputCiphertexts => 1;

    public override int WeightCount => Rows * Columns;

    public override bool[] StructuralSupport => _support ??= [.. Enumerable.Repeat(true, checked(rows * columns))];

    private bool[]? _support = support is null || support.Length == rows * columns ? support
        : throw new ArgumentException($"a {rows}×{columns} matrix has {rows * columns} entries; the support has {support.Length}", nameof(support));

    public override int SlotCount => 2 * Layout.RowSize;

    public override IReadOnlyList<(int Ciphertext, int Slot)> OutputSlots => _outputs ??= [.. Enumerable.Range(0, Rows).Select(r => (0, r))];

    private (int, int)[]? _outputs;

    public override double ProductVariance(BfvContext context, LinOpInput input, int weightShares) =>
        LinOpNoise.WorstCoefficientVariance(context, Layout, input, weightShares);

    public override uint[] GaloisElements() => MatVec.GaloisElements(Layout, 2 * Layout.RowSize);

    public override ulong[][] PackInput(ReadOnlySpan<ulong> x) => [Layout.PackInput(x, PrimeField.P)];

    public override ulong[] UnpackInput(IReadOnlyList<ulong[]> slots) =>
        slots.Count == 1 ? slots[0][..Columns] : throw new ArgumentException($"a matrix input is one ciphertext, not {slots.Count}");

    public override ulong[][] PackOutput(ReadOnlySpan<ulong> v) => [Layout.PackOutput(v, PrimeField.P)];

    public override ulong[] UnpackOutput(IReadOnlyList<ulong[]> slots) =>
        slots.Count == 1 ? Layout.UnpackOutput(slots[0]) : throw new ArgumentException($"a matrix product has one output ciphertext, not {slots.Count}");

    public override ulong[] Apply(ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> x) => ZpVector.MultiplyAdd(weights.ToArray(), Rows, Columns, x);

    public override IEncodedForm Encode(BfvContext context, ReadOnlySpan<ulong> weights, int level = 0, long cacheBytes = PlainConvKernel.DefaultCacheBytes) =>
        new Encoded(PlainDiagonalMatrix.Encode(context, weights, Rows, Columns, level));

    private sealed class Encoded(PlainDiagonalMatrix matrix) : IEncodedForm
    {
        public Ciphertext[] Multiply(Evaluator evaluator, IReadOnlyList<Ciphertext> x, GaloisKeys keys) =>
            x.Count == 1 ? [MatVec.Multiply(evaluator, matrix, x[0], keys)] : throw new ArgumentException($"a matrix product takes one ciphertext, not {x.Count}");
    }
}
