using Seco.Nn.FixedPoint;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// A block's product as a decryptor sees it, in any form: the n slots of each of its output ciphertexts concatenated
/// in run order (ciphertext c's slot s at c·n + s), and where in that concatenation the intended outputs sit. Every
/// message field that carries ciphertexts for several blocks carries each block's run in block order; the audit splits
/// them itself (<see cref="Runs{T}"/>) from the public counts rather than through the roles' code.
/// </summary>
internal static class FormSlots
{
    /// <summary>Block <paramref name="block"/>'s operator in the form the parameters chose for it (weights, bias, structural support).</summary>
    public static BlockOperator Operator(FixedPointModel model, SecoParameters p, int block) =>
        BlockOperator.Build(model.Blocks[block - 1], p.Context, p.Block(block).Conv is null ? LinearForm.Matrix : LinearForm.Conv);

    /// <summary>
    /// P(W, x): every slot of the block's output ciphertexts with no mask. The matrix form by the independent
    /// <see cref="SlotModel"/> (its products leave partial sums outside the outputs); any other form by its own output
    /// packing of W·x — a convolution leaves exactly 0 in every non-output slot, for any weights (SlotModelTests checks
    /// both models against real products).
    /// </summary>
    public static ulong[] Unmasked(SecoParameters p, int block, ulong[] weights, ulong[] x)
    {
        HeForm form = p.Form(block);
        return form is MatrixForm
            ? SlotModel.Slots(weights, form.Rows, form.Columns, x, p.Context.N)
            : Concat(form.PackOutput(form.Apply(weights, x)));
    }

    /// <summary>Where each output (in output order) sits in the concatenated slots of the block's output ciphertexts.</summary>
    public static int[] OutputPositions(HeForm form) => [.. form.OutputSlots.Select(o => (o.Ciphertext * form.SlotCount) + o.Slot)];

    /// <summary>The values at <paramref name="positions"/>, in their order.</summary>
    public static ulong[] At(ulong[] slots, IReadOnlyList<int> positions) => [.. positions.Select(j => slots[j])];

    /// <summary>Every slot not in <paramref name="positions"/>, in slot order.</summary>
    public static ulong[] Except(ulong[] slots, IReadOnlyList<int> positions)
    {
        var output = new bool[slots.Length];
        foreach (int j in positions) output[j] = true;
        return [.. slots.Where((_, j) => !output[j])];
    }

    /// <summary>The outputs (in output order) of a block's concatenated slots.</summary>
    public static ulong[] Outputs(SecoParameters p, int block, ulong[] slots) => At(slots, OutputPositions(p.Form(block)));

    public static ulong[] Concat(IEnumerable<ulong[]> parts) => [.. parts.SelectMany(s => s)];

    /// <summary>The n-slot vectors of a concatenation, back in run order.</summary>
    public static ulong[][] Chunks(ulong[] slots, int n) => [.. slots.Chunk(n)];

    /// <summary>
    /// <paramref name="flat"/> split into the runs of <paramref name="blocks"/> (each as long as <paramref name="count"/>
    /// says, in block order); the total must match exactly.
    /// </summary>
    public static Dictionary<int, T[]> Runs<T>(IReadOnlyList<T> flat, IEnumerable<int> blocks, Func<int, int> count, string what)
    {
        var runs = new Dictionary<int, T[]>();
        int at = 0;
        foreach (int i in blocks)
        {
            int c = count(i);
            if (at + c > flat.Count)
                throw new InvalidOperationException($"{what}: {flat.Count} ciphertexts, too few for block {i}'s run of {c} (from {at})");
            runs[i] = [.. Enumerable.Range(at, c).Select(k => flat[k])];
            at += c;
        }
        if (at != flat.Count)
            throw new InvalidOperationException($"{what}: {flat.Count} ciphertexts, but the runs of blocks [{string.Join(", ", runs.Keys)}] take {at}");
        return runs;
    }
}
