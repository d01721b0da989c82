using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.FixedPoint;

namespace Seco.Protocol.Model.Planning;

/// <summary>How a block's linear part is computed on ciphertexts.</summary>
public enum LinearForm
{
    /// <summary>The diagonal mat-vec of the composed block matrix (<see cref="MatVec"/>); needs ≤ n/2 rows and columns.</summary>
    Matrix,

    /// <summary>The channel-packed convolution (<see cref="ConvPacked"/>); needs a conv (+ pools) block.</summary>
    Conv,
}

/// <summary>
/// Which forms a deployment computes its blocks in. <see cref="Matrix"/> (the default for now) is every block as the
/// mat-vec of its composed matrix; <see cref="Planner"/> lets <see cref="LinearPlanner"/> pick the cheaper per block
/// (the channel-packed convolution where it wins, and the only form for activations past n/2 slots). Both run
/// bit-exact and both are covered by the recipient-side view audits; the default moves to the planner once the
/// shipped scenarios' figures are re-measured with it (issue 20) — until then it is asked for by name
/// (`crypto.forms: planner`, `seco split --forms planner`).
/// </summary>
public enum FormPolicy
{
    Matrix,
    Planner,
}

/// <summary>The policies by the names scenarios and the CLI use.</summary>
public static class FormPolicies
{
    /// <summary>"matrix" or "planner" (case-sensitive, as scenario keys are), else null.</summary>
    public static FormPolicy? Parse(string name) => name switch
    {
        "matrix" => FormPolicy.Matrix,
        "planner" => FormPolicy.Planner,
        _ => null,
    };

    public static string Name(this FormPolicy policy) => policy == FormPolicy.Planner ? "planner" : "matrix";
}

/// <summary>
/// One form's cost for one product: key switchings (rotations, row swaps), plaintext products, plaintext encodings
/// made during the product, Galois keys and their bytes, and the time the cost model gives.
/// </summary>
public sealed record FormCost(int KeySwitches, int Products, int Encodes, int GaloisKeys, long KeyBytes, double EstimatedMilliseconds);

/// <summary>The planner's pick for a block, with both candidates' costs (null where a form does not apply, and why).</summary>
public sealed record BlockPlan(int Block, LinearForm Form, FormCost? Matrix, FormCost? Conv, ConvShape? ConvShape, string? MatrixUnavailable, string? ConvUnavailable)
{
    public FormCost Chosen => Form == LinearForm.Matrix ? Matrix! : Conv!;

    /// <summary>The Galois elements the chosen form needs (main branch and shortcut): the block's rotation keys.</summary>
    public IReadOnlyList<uint> GaloisElements { get; init; } = [];

    /// <summary>The matrix form was cheaper but its dense weights exceed <see cref="LinearPlanner.MaxMatrixBytes"/>.</summary>
    public bool MatrixTooLarge { get; init; }
}

/// <summary>
/// Picks each block's cheaper form by a cost model of this machine class (AMD EPYC, AVX2; the SECO preset, 4 data
/// primes): a key switching ≈ 1.2 ms (a rotation measured 1.3–2.0 ms, each further hoisted step 0.9–1.1 ms), a
/// plaintext product accumulated in the NTT domain ≈ 0.06 ms, a plaintext encoding ≈ 0.2 ms. The model only ranks the
/// two forms; ConvPackingBenchmarks and ConvAsMatrixBenchmarks time both (docs/benchmarks.md, "Convolution packing").
/// </summary>
public static class LinearPlanner
{
    public const double KeySwitchMilliseconds = 1.2;
    public const double ProductMilliseconds = 0.06;
    public const double EncodeMilliseconds = 0.2;

    /// <summary>
    /// The largest dense weight matrix (main branch and shortcut, 8 bytes an entry) the planner picks the matrix form
    /// for when a convolution form exists: every holder keeps its share of it for the online plaintext product, and
    /// ResNet-32's stage-3 blocks as 4096×4096 matrices were 134 MB each, 1.6 GB per server (issue 20).
    /// </summary>
    public const long MaxMatrixBytes = 64L << 20;

    public static BlockPlan Plan(FixedPointBlock block, BfvContext context)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(context);
        long keyBytes = (long)context.DataModuli.Count * 2 * context.KeyModuli.Count * context.N * sizeof(ulong);

        FormCost? matrix = null;
        string? matrixUnavailable = null;
        uint[] matrixElements = [], convElements = [];
        int rows = block.Block.Output.Size, columns = block.Block.Input.Size, half = context.N / 2;
        int shortcutColumns = block.Block.Skip?.SourceShape.Size ?? 0;
        if (rows > half || columns > half)
        {
            matrixUnavailable = $"{rows}×{columns} exceeds n/2 = {half} slots";
        }
        else if (shortcutColumns > half)
        {
            matrixUnavailable = $"the shortcut's {rows}×{shortcutColumns} matrix exceeds n/2 = {half} slots";
        }
        else
        {
            var mainLayout = new MatVecLayout(rows, columns, context.N);
            MatVecCost m = mainLayout.Cost(BlockMatrix.StructuralSupport(block));
            matrixElements = MatVec.GaloisElements(mainLayout, context.N);
            if (block.Block.HasSkip)
            {
                // the shortcut is a second product into the same output slots (BlockOperator)
                bool[] support = Array.ConvertAll(BlockMatrix.BuildShortcut(block, structural: true).Weights, w => w != 0);
                var shortcutLayout = new MatVecLayout(rows, shortcutColumns, context.N);
                MatVecCost s = shortcutLayout.Cost(support);
                matrixElements = [.. matrixElements.Union(MatVec.GaloisElements(shortcutLayout, context.N))];
                m = new MatVecCost(m.Products + s.Products, m.BabyRotations + s.BabyRotations, m.GiantRotations + s.GiantRotations,
                    m.FoldRotations + s.FoldRotations + 1, m.GaloisKeys + s.GaloisKeys);
            }

            matrix = new FormCost(m.KeySwitches, m.Products, 0, m.GaloisKeys, m.GaloisKeys * keyBytes,
                (m.KeySwitches * KeySwitchMilliseconds) + (m.Products * ProductMilliseconds));
        }

        FormCost? conv = null;
        string? convUnavailable = null;
        ConvForm? form = ConvForm.Of(block, out string reason);
        if (form is null)
        {
            convUnavailable = reason;
        }
        else
        {
            try
            {
                var layout = new ConvLayout(form.Shape, context.N);
                ConvCost c = layout.Cost;
                convElements = layout.GaloisElements();
                if (block.Block.Skip is { } skip)
                {
                    // a gather and a 1×1 channel map on the output grid (BlockOperator); the form checks it applies
                    var channelMap = new ConvLayout(new ConvShape(skip.SourceShape.Channels, form.Shape.OutHeight, form.Shape.OutWidth, form.Shape.OutChannels, 1, 1), context.N);
                    if (!channelMap.OutputSlots().SequenceEqual(layout.OutputSlots()))
                    {
                        throw new ArgumentOutOfRangeException(nameof(block), "the shortcut's outputs do not land in the convolution's slots");
                    }

                    ConvCost s = channelMap.Cost;
                    convElements = [.. convElements.Union(channelMap.GaloisElements())];
                    c = new ConvCost(c.Products + s.Products, c.HoistedDecompositions + s.HoistedDecompositions, c.TapRotations + s.TapRotations,
                        c.ChannelRotations + s.ChannelRotations, c.RowSwaps + s.RowSwaps, layout.GaloisElements().Union(channelMap.GaloisElements()).Count());
                }

                long cacheBytes = (long)c.Products * context.MaxLevel * context.N * sizeof(ulong);
                int encodes = cacheBytes <= PlainConvKernel.DefaultCacheBytes ? 0 : c.Products;
                conv = new FormCost(c.KeySwitches, c.Products, encodes, c.GaloisKeys, c.GaloisKeys * keyBytes,
                    (c.KeySwitches * KeySwitchMilliseconds) + (c.Products * ProductMilliseconds) + (encodes * EncodeMilliseconds));
            }
            catch (ArgumentOutOfRangeException e)
            {
                convUnavailable = e.Message.Split(" (Parameter")[0];
            }
        }

        if (matrix is null && conv is null)
        {
            throw new ArgumentException($"block {block.Block.Index}: no HE form applies ({matrixUnavailable}; {convUnavailable})");
        }

        long matrixBytes = (long)rows * (columns + shortcutColumns) * sizeof(ulong);
        bool matrixFits = matrix is not null && (conv is null || matrixBytes <= MaxMatrixBytes);
        LinearForm pick = conv is null || (matrixFits && matrix!.EstimatedMilliseconds <= conv.EstimatedMilliseconds) ? LinearForm.Matrix : LinearForm.Conv;
        return new BlockPlan(block.Block.Index, pick, matrix, conv, form?.Shape, matrixUnavailable, convUnavailable)
        {
            GaloisElements = pick == LinearForm.Matrix ? matrixElements : convElements,
            MatrixTooLarge = pick == LinearForm.Conv && matrix is not null && !matrixFits && matrix.EstimatedMilliseconds <= conv!.EstimatedMilliseconds,
        };
    }
}
