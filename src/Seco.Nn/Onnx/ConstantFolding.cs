using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Onnx;

/// <summary>
/// Evaluates the integer shape arithmetic exporters leave in a graph — torch 1.13 computes the <c>pads</c> of
/// <c>F.pad(x, (0, 0, 0, 0, p, p))</c> (ResNet's option-A shortcut) with ConstantOfShape, Concat, Reshape, a reversing
/// Slice, Transpose and Cast — so that the layer reading the result sees a constant. Only nodes whose inputs are all
/// constant are folded; tensors are small (at most <see cref="OnnxTensors.MaxIntegerElements"/> elements) and
/// integer-typed; anything else is left to the layer walk, which names the node it cannot import.
/// </summary>
internal static class ConstantFolding
{
    public static readonly IReadOnlyList<string> Operators = ["ConstantOfShape", "Concat", "Reshape", "Slice", "Transpose", "Cast", "Unsqueeze", "Squeeze"];

    /// <summary>An integer tensor: row-major values and dimensions.</summary>
    private sealed record IntTensor(long[] Dims, long[] Values)
    {
        public int Rank => Dims.Length;
    }

    /// <summary>Folds the node into one constant output, or returns false if it is not integer shape arithmetic.</summary>
    public static bool TryFold(OnnxNode node, Func<int, TensorProto?> input, out TensorProto? result)
    {
        result = null;
        if (!Operators.Contains(node.OpType) || node.Outputs.Count != 1) return false;
        var tensors = new List<TensorProto?>();
        long elements = 0;
        for (int i = 0; i < node.Inputs.Count; i++)
        {
            if (node.Inputs[i] == "") { tensors.Add(null); continue; }
            TensorProto? t = input(i);
            if (t is null) return false; // a data tensor: not shape arithmetic
            if (t.DataType is not ((int)TensorProto.Types.DataType.Int64 or (int)TensorProto.Types.DataType.Int32)) return false;
            // a zero-element tensor may still name a huge dimension, which Slice and Transpose would walk index by index
            if (t.Dims.FirstOrDefault(d => d > OnnxTensors.MaxIntegerElements) is var huge and > 0)
                throw node.Error($"input '{node.Inputs[i]}' has dimension {huge}, more than the {OnnxTensors.MaxIntegerElements} shape arithmetic needs");
            elements += OnnxTensors.ElementCount(t);
            tensors.Add(t);
        }
        // checked before any input is decoded: a Concat naming one 4,096-element constant 100,000 times costs the file
        // a few bytes per reference but would decode 8·4,096 bytes for each
        if (elements > 2 * OnnxTensors.MaxIntegerElements)
            throw node.Error($"its inputs hold {elements} elements together, more than the {2 * OnnxTensors.MaxIntegerElements} shape arithmetic needs");
        var inputs = tensors.Select(t => t is null ? null : new IntTensor([.. t.Dims], OnnxTensors.ToInt64s(t))).ToList();
        IntTensor folded = node.OpType switch
        {
            "ConstantOfShape" => ConstantOfShape(node, Required(node, inputs, 0)),
            "Concat" => Concat(node, inputs),
            "Reshape" => Reshape(node, Required(node, inputs, 0), Required(node, inputs, 1)),
            "Slice" => Slice(node, inputs),
            "Transpose" => Transpose(node, Required(node, inputs, 0)),
            "Cast" => Cast(node, Required(node, inputs, 0)),
            "Unsqueeze" => Unsqueeze(node, Required(node, inputs, 0), Required(node, inputs, 1)),
            "Squeeze" => Squeeze(node, Required(node, inputs, 0), inputs.Count > 1 ? inputs[1] : null),
            _ => throw new InvalidOperationException(node.OpType),
        };
        if (folded.Values.Length > OnnxTensors.MaxIntegerElements)
            throw node.Error($"folds to {folded.Values.Length} elements, more than the {OnnxTensors.MaxIntegerElements} shape arithmetic needs");
        result = OnnxTensors.Int64Tensor(node.Outputs[0], folded.Dims, folded.Values);
        return true;
    }

    private static IntTensor Required(OnnxNode node, List<IntTensor?> inputs, int i) =>
        i < inputs.Count && inputs[i] is { } t ? t : throw node.Error($"missing input {i}");

    private static long Count(OnnxNode node, long[] dims)
    {
        long n = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw node.Error($"negative dimension {d}");
            if (d > OnnxTensors.MaxIntegerElements) throw node.Error($"dimension {d} is more than the {OnnxTensors.MaxIntegerElements} shape arithmetic needs");
            n *= d; // both factors are at most MaxIntegerElements: no overflow
            if (n > OnnxTensors.MaxIntegerElements) throw node.Error($"folds to more than {OnnxTensors.MaxIntegerElements} elements");
        }
        return n;
    }

    private static IntTensor ConstantOfShape(OnnxNode node, IntTensor shape)
    {
        node.AllowOnly("value");
        long fill = 0;
        if (node.Tensor("value") is { } v)
        {
            long[] one = OnnxTensors.ToInt64s(v); // a float fill value is not shape arithmetic: refused by ToInt64s
            if (one.Length != 1) throw node.Error("'value' must hold one element");
            fill = one[0];
        }
        long[] dims = shape.Values;
        var values = new long[Count(node, dims)];
        Array.Fill(values, fill);
        return new IntTensor(dims, values);
    }

    private static IntTensor Concat(OnnxNode node, List<IntTensor?> inputs)
    {
        node.AllowOnly("axis");
        if (inputs.Any(t => t is null || t.Rank != 1) || node.Int("axis", 0) is not (0 or -1))
            throw node.Error("only the concatenation of 1-D integer tensors is folded");
        long[] values = [.. inputs.SelectMany(t => t!.Values)];
        return new IntTensor([values.Length], values);
    }

    private static IntTensor Reshape(OnnxNode node, IntTensor data, IntTensor shape)
    {
        node.AllowOnly("allowzero");
        long[] dims = (long[])shape.Values.Clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == 0 && i < data.Rank && node.Int("allowzero", 0) == 0) dims[i] = data.Dims[i]; // allowzero = 1: a literal 0
            if (dims[i] == -1)
            {
                if (unknown >= 0) throw node.Error("more than one -1 in the target shape");
                unknown = i;
            }
            else if (dims[i] < 0) throw node.Error($"invalid target dimension {dims[i]}");
            else if (dims[i] > OnnxTensors.MaxIntegerElements) throw node.Error("target shape too large");
            else known *= dims[i];
            if (known > OnnxTensors.MaxIntegerElements) throw node.Error("target shape too large");
        }
        if (unknown >= 0)
        {
            if (known == 0 || data.Values.Length % known != 0) throw node.Error($"cannot infer -1 for {data.Values.Length} elements");
            dims[unknown] = data.Values.Length / known;
        }
        if (Count(node, dims) != data.Values.Length)
            throw node.Error($"reshape of {data.Values.Length} elements to [{string.Join(",", dims)}]");
        return new IntTensor(dims, data.Values);
    }

    private static long[] Strides(long[] dims)
    {
        var s = new long[dims.Length];
        long acc = 1;
        for (int i = dims.Length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
        return s;
    }

    private static IntTensor Slice(OnnxNode node, List<IntTensor?> inputs)
    {
        node.AllowOnly();
        IntTensor data = Required(node, inputs, 0);
        long[] starts = Required(node, inputs, 1).Values, ends = Required(node, inputs, 2).Values;
        long[] axes = inputs.Count > 3 && inputs[3] is { } a ? a.Values : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[] steps = inputs.Count > 4 && inputs[4] is { } st ? st.Values : [.. starts.Select(_ => 1L)];
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw node.Error("starts, ends, axes and steps differ in length");
        // per axis, the selected indices (ONNX Slice semantics: clamp, negative steps walk backwards)
        var pick = data.Dims.Select(d => Enumerable.Range(0, (int)d).Select(i => (long)i).ToArray()).ToArray();
        var seen = new HashSet<long>();
        for (int k = 0; k < axes.Length; k++)
        {
            long axis = axes[k] < 0 ? axes[k] + data.Rank : axes[k];
            if (axis < 0 || axis >= data.Rank) throw node.Error($"axis {axes[k]} out of range for rank {data.Rank}");
            if (!seen.Add(axis)) throw node.Error($"axis {axes[k]} is sliced more than once");
            long dim = data.Dims[axis], step = steps[k];
            if (step == 0) throw node.Error("step 0");
            step = Math.Clamp(step, -dim - 1, dim + 1); // a longer step selects only the start, and i += step cannot overflow
            long start = starts[k] < 0 ? starts[k] + dim : starts[k], end = ends[k] < 0 && ends[k] > long.MinValue + dim ? ends[k] + dim : ends[k];
            var chosen = new List<long>();
            if (step > 0)
            {
                start = Math.Clamp(start, 0, dim);
                end = Math.Clamp(end, 0, dim);
                for (long i = start; i < end; i += step) chosen.Add(i);
            }
            else
            {
                start = Math.Clamp(start, -1, dim - 1);
                end = Math.Clamp(end, -1, dim - 1);
                for (long i = start; i > end; i += step) chosen.Add(i);
            }
            pick[axis] = [.. chosen];
        }
        return Gather(node, data, pick, Enumerable.Range(0, data.Rank).ToArray());
    }

    /// <summary>The tensor of data[pick[perm[0]][i0], …] with output axis a reading input axis perm[a].</summary>
    private static IntTensor Gather(OnnxNode node, IntTensor data, long[][] pick, int[] perm)
    {
        long[] inStrides = Strides(data.Dims);
        long[] dims = [.. perm.Select(a => (long)pick[a].Length)];
        var values = new long[Count(node, dims)];
        var index = new int[dims.Length];
        for (long o = 0; o < values.Length; o++)
        {
            long src = 0;
            for (int a = 0; a < dims.Length; a++) src += pick[perm[a]][index[a]] * inStrides[perm[a]];
            values[o] = data.Values[src];
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a]) break;
                index[a] = 0;
            }
        }
        return new IntTensor(dims, values);
    }

    private static IntTensor Transpose(OnnxNode node, IntTensor data)
    {
        node.AllowOnly("perm");
        long[] perm = node.Ints("perm") ?? [.. Enumerable.Range(0, data.Rank).Reverse().Select(i => (long)i)];
        if (perm.Length != data.Rank || perm.Order().Where((p, i) => p != i).Any())
            throw node.Error($"perm [{string.Join(",", perm)}] is not a permutation of the {data.Rank} axes");
        var pick = data.Dims.Select(d => Enumerable.Range(0, (int)d).Select(i => (long)i).ToArray()).ToArray();
        return Gather(node, data, pick, [.. perm.Select(p => (int)p)]);
    }

    private static IntTensor Cast(OnnxNode node, IntTensor data)
    {
        node.AllowOnly("to", "saturate");
        long to = node.Int("to", 0);
        if (to == (long)TensorProto.Types.DataType.Int64) return data;
        if (to == (long)TensorProto.Types.DataType.Int32)
        {
            if (data.Values.Any(v => v < int.MinValue || v > int.MaxValue)) throw node.Error("a value does not fit INT32");
            return data;
        }
        throw node.Error($"Cast of an integer constant to {(TensorProto.Types.DataType)to} is not folded (only to INT64 or INT32)");
    }

    private static IntTensor Unsqueeze(OnnxNode node, IntTensor data, IntTensor axes)
    {
        node.AllowOnly();
        int rank = data.Rank + axes.Values.Length;
        var normal = axes.Values.Select(a => a < 0 ? a + rank : a).ToHashSet();
        if (normal.Count != axes.Values.Length || normal.Any(a => a < 0 || a >= rank)) throw node.Error("invalid axes");
        var dims = new List<long>();
        int from = 0;
        for (int i = 0; i < rank; i++) dims.Add(normal.Contains(i) ? 1 : data.Dims[from++]);
        return new IntTensor([.. dims], data.Values);
    }

    private static IntTensor Squeeze(OnnxNode node, IntTensor data, IntTensor? axes)
    {
        node.AllowOnly();
        HashSet<long> drop = axes is null
            ? [.. Enumerable.Range(0, data.Rank).Where(i => data.Dims[i] == 1).Select(i => (long)i)]
            : [.. axes.Values.Select(a => a < 0 ? a + data.Rank : a)]; // no (int) cast: axis 2^32 is not axis 0
        if (drop.Any(a => a < 0 || a >= data.Rank || data.Dims[a] != 1)) throw node.Error("can only squeeze axes of size 1");
        return new IntTensor([.. data.Dims.Where((_, i) => !drop.Contains(i))], data.Values);
    }
}
