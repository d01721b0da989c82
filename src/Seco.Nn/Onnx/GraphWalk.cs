using System.Collections.Immutable;
using Seco.Nn.Layers;
using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Onnx;

/// <summary>
/// One pass over an ONNX graph's nodes (in their topological order), building layers. A model is a chain of blocks —
/// linear layers closed by a ReLU — where a block may add a <i>shortcut</i> from an earlier block's input before its
/// ReLU (ResNet's residual connection). The walk therefore tracks a <see cref="Branch"/> per tensor: the activation
/// it starts from and the linear layers applied since. A ReLU closes the branch of the newest activation, emitting
/// its layers; an Add of two branches makes the older one the block's shortcut.
/// </summary>
internal sealed class GraphWalk
{
    /// <summary>A tensor of the data path: <see cref="Layers"/> applied to the input of block <see cref="Source"/>.</summary>
    /// <remarks>
    /// The layers are an immutable list: every node extends a branch into a new one (the old stays valid for other
    /// readers), and copying an array per node made a chain of n layers cost n² (a 3 MB file took 28 s).
    /// </remarks>
    private sealed record Branch(int Source, ImmutableList<LinearLayer> Layers, Shape Shape)
    {
        public (Padding2d Pad, string Node)? PendingPad { get; init; }

        /// <summary>The residual add that ended this branch (only a ReLU may follow).</summary>
        /// <remarks>
        /// Held as the Add's name and its shortcut branch; the <see cref="ResidualAddLayer"/> (which walks the shortcut's
        /// layers) is built once, by the ReLU that closes the block, not by each of many Adds reading one long branch.
        /// </remarks>
        public (string Name, Branch Shortcut)? Added { get; init; }

        /// <summary>How many of <see cref="Layers"/> have weights (kept, so a residual Add need not count them).</summary>
        public int Weighted { get; init; }

        /// <summary>
        /// Whether the tensor is 2-D [N, K] (after Flatten, Reshape, Gemm or MatMul, or a 2-D graph input) rather than
        /// [N, C, H, W]; a K×1×1 shape alone does not say which, and ONNX broadcasting treats the two differently.
        /// </summary>
        public bool Matrix { get; init; }

        public Branch With(LinearLayer layer) =>
            new(Source, Layers.Add(layer), layer.Output)
            {
                Matrix = Matrix || layer is FlattenLayer or DenseLayer,
                Weighted = Weighted + (layer.HasWeights ? 1 : 0),
            };

        public Branch WithLast(LinearLayer layer) =>
            new(Source, Layers.SetItem(Layers.Count - 1, layer), layer.Output)
            {
                Matrix = Matrix,
                Weighted = Weighted - (Layers[^1].HasWeights ? 1 : 0) + (layer.HasWeights ? 1 : 0),
            };
    }

    /// <summary>
    /// The most values one activation may hold (ResNet-32's largest has 16,384). A few bytes of attributes — a 1×1
    /// input padded by 65,536 — describe an activation of 2^34 values, which no reference could evaluate.
    /// </summary>
    internal const int MaxActivationElements = 1 << 24;

    /// <summary>
    /// The most elements all folded constants may hold together. Each folded node keeps its result, so without a budget
    /// a file of n small nodes, each copying one 4,096-element constant, would keep 32 KB per node. torch's option-A
    /// pads fold to a few dozen elements per shortcut.
    /// </summary>
    internal const int MaxFoldedElements = 1 << 16;

    /// <summary>
    /// Parameter values decoded beyond one per byte of the graph. A FLOAT weight takes 4 bytes of the file, so this
    /// allows every weight to be shared by four layers (torch shares weights through Identity); without a bound, n Gemm
    /// nodes of a few bytes each, all naming one large weight, decoded n copies of it.
    /// </summary>
    internal const int DecodeSlack = 1 << 16;

    private readonly GraphProto _graph;
    private readonly string _source;
    private readonly Dictionary<string, TensorProto> _constants = new();
    private readonly Dictionary<string, Branch> _values = new();
    private readonly List<Layer> _layers = new();
    private readonly List<Shape> _blockInputs = new(); // _blockInputs[j - 1]: the input of block j
    private readonly HashSet<string> _defined; // every tensor name assigned so far
    private long _foldedElements;
    private long _decodedValues; // parameter values decoded so far, against _decodeBudget
    private readonly long _decodeBudget;

    public GraphWalk(GraphProto graph, string source)
    {
        _graph = graph;
        _source = source;
        _decodeBudget = graph.CalculateSize() + DecodeSlack;
        foreach (TensorProto t in graph.Initializer) _constants[t.Name] = t;
        _defined = [.. graph.Initializer.Select(t => t.Name), .. graph.Input.Select(v => v.Name)];
    }

    /// <summary>The newest activation: the input of the block being built.</summary>
    private int OpenBlock => _blockInputs.Count;

    public NeuralModel Run(string name)
    {
        (string input, Shape shape, bool matrix) = DataInput();
        _blockInputs.Add(shape);
        _values[input] = new Branch(1, [], shape) { Matrix = matrix };
        for (int i = 0; i < _graph.Node.Count; i++)
        {
            var node = new OnnxNode(_graph.Node[i], i, _source);
            try
            {
                Visit(node, _graph.Node[i].Domain);
            }
            catch (FormatException e)
            {
                throw node.Error(e.Message); // a tensor the node reads is malformed: name the node, not just the tensor
            }
        }
        if (_graph.Output.Count != 1)
            throw new ModelFormatException($"{_source}: the graph has {_graph.Output.Count} outputs; exactly one (the logits) is supported");
        string output = _graph.Output[0].Name;
        if (!_values.TryGetValue(output, out Branch? last))
            throw new ModelFormatException($"{_source}: graph output '{output}' is not produced by a layer of the model");
        if (last.PendingPad is { } p)
            throw new ModelFormatException($"{_source}: node '{p.Node}' (Pad): a Pad must be followed by Conv or AveragePool");
        if (last.Added is { } add)
            throw new ModelFormatException($"{_source}: node '{add.Name}' (Add): the residual add ends the model; it must be followed by a ReLU");
        if (last.Source != OpenBlock)
            throw new ModelFormatException($"{_source}: graph output '{output}' does not continue the last block (it reads the input of block {last.Source}, not of block {OpenBlock})");
        _layers.AddRange(last.Layers);
        CheckWork();
        return new NeuralModel(name, input: _blockInputs[0], _layers.ToArray());
    }

    /// <summary>
    /// The most multiply-adds (and pooling additions) one forward pass may take: 2^32, sixty times ResNet-32's. A 1×1
    /// input padded to 2^12×2^12 and convolved with a 65×65 kernel is a few kilobytes of file but four billion
    /// multiply-adds per pass, and the references (float, fixed point, interval bounds) each run several passes.
    /// </summary>
    internal const long MaxWork = 1L << 32;

    /// <summary>
    /// The most values all layer outputs may hold together: 2^26. The references keep every block's input (a shortcut's
    /// source) and output, so a long chain of activations, each within <see cref="MaxActivationElements"/>, is held at once.
    /// </summary>
    internal const long MaxTotalActivations = 1L << 26;

    private void CheckWork()
    {
        long work = 0, held = 0;
        foreach (Layer layer in _layers)
        {
            held += layer.Output.Size;
            if (held > MaxTotalActivations)
                throw new ModelFormatException(
                    $"{_source}: node '{layer.Name}' ({layer.Kind}): the model's layers output more than {MaxTotalActivations} values in all by this layer");
            IEnumerable<Layer> parts = layer is ResidualAddLayer add ? [.. add.Branch, add] : [layer];
            foreach (Layer part in parts)
            {
                work += part switch // each term is below 2^55 (2^24 outputs, at most 2^30 terms each): no overflow before the check
                {
                    Conv2dLayer c => (long)c.Output.Size * c.Input.Channels * c.KernelH * c.KernelW,
                    AvgPool2dLayer p => (long)p.Output.Size * p.KernelH * p.KernelW,
                    DenseLayer d => (long)d.Inputs * d.Outputs,
                    _ => part.Output.Size,
                };
                if (work > MaxWork)
                    throw new ModelFormatException(
                        $"{_source}: node '{part.Name}' ({part.Kind}): the model needs more than {MaxWork} multiply-adds per inference by this layer");
            }
        }
    }

    private (string Name, Shape Shape, bool Matrix) DataInput()
    {
        var inputs = _graph.Input.Where(v => !_constants.ContainsKey(v.Name)).ToList();
        if (inputs.Count != 1)
            throw new ModelFormatException($"{_source}: the graph has {inputs.Count} data inputs; exactly one is supported");
        ValueInfoProto v = inputs[0];
        var tensor = v.Type?.TensorType;
        if (tensor is null || tensor.Shape is null)
            throw new ModelFormatException($"{_source}: graph input '{v.Name}' has no tensor shape");
        if (tensor.ElemType != (int)TensorProto.Types.DataType.Float)
            throw new ModelFormatException($"{_source}: graph input '{v.Name}' has element type {(TensorProto.Types.DataType)tensor.ElemType}; FLOAT is required");
        var dims = tensor.Shape.Dim.Skip(1).Select(d => d.HasDimValue ? d.DimValue : -1).ToArray();
        if (dims.Any(d => d <= 0 || d > 1 << 20))
            throw new ModelFormatException($"{_source}: graph input '{v.Name}' needs fixed positive dimensions after the batch dimension");
        long values = dims.Aggregate(1L, (n, d) => n * d); // at most 2^60: no overflow
        if (values > MaxActivationElements)
            throw new ModelFormatException($"{_source}: graph input '{v.Name}' has {values} values, more than the {MaxActivationElements} an activation may hold");
        return dims.Length switch
        {
            3 => (v.Name, new Shape((int)dims[0], (int)dims[1], (int)dims[2]), false),
            1 => (v.Name, Shape.Vector((int)dims[0]), true),
            _ => throw new ModelFormatException($"{_source}: graph input '{v.Name}' has rank {dims.Length + 1}; [N,C,H,W] or [N,K] is supported"),
        };
    }

    private void Visit(OnnxNode node, string domain)
    {
        if (domain is not ("" or "ai.onnx"))
            throw node.Error($"operator from domain '{domain}' is not supported (only the default ONNX domain)");
        if (node.Outputs.Count == 0 || node.Outputs[0] == "")
            throw node.Error("the node has no output");
        foreach (string output in node.Outputs)
        {
            // ONNX graphs assign each name once; a redefinition would leave the walk reading a stale data tensor or constant
            if (output != "" && !_defined.Add(output))
                throw node.Error($"output '{output}' is already defined (by an initializer, the graph input or an earlier node)");
        }
        if (node.OpType == "Constant")
        {
            TensorProto t = node.Tensor("value") ?? throw node.Error("only the 'value' form of Constant is supported");
            node.AllowOnly("value");
            _constants[node.Outputs[0]] = t;
            return;
        }
        if (node.OpType == "Identity" && node.Inputs.Count == 1 && _constants.TryGetValue(node.Inputs[0], out TensorProto? aliased))
        {
            _constants[node.Outputs[0]] = aliased; // torch emits Identity of an initializer for weights it shares
            return;
        }

        if (ConstantFolding.TryFold(node, i => _constants.GetValueOrDefault(node.Inputs[i]), out TensorProto? folded))
        {
            _foldedElements += folded!.Int64Data.Count;
            if (_foldedElements > MaxFoldedElements)
                throw node.Error($"the graph's shape arithmetic folds to more than {MaxFoldedElements} elements in all (each fold is kept)");
            _constants[node.Outputs[0]] = folded;
            return;
        }
        var data = node.Inputs.Where(_values.ContainsKey).ToList();
        if (data.Count == 0)
            throw node.Error($"the node reads no data tensor: none of its inputs [{string.Join(", ", node.Inputs)}] is produced by the model's layers");
        if (node.OpType == "Add" && data.Count == 2)
        {
            ResidualAdd(node, _values[data[0]], _values[data[1]]);
            return;
        }
        if (data.Count > 1)
            throw node.Error($"reads {data.Count} data tensors; only Add may join two branches");
        Branch b = _values[data[0]];
        if (b.Added is { } add && node.OpType is not ("Relu" or "Identity" or "Dropout"))
            throw node.Error($"follows the residual add '{add.Name}'; only a ReLU may follow a residual add");
        if (b.PendingPad is { } pad && node.OpType is not ("Conv" or "AveragePool" or "Identity"))
            throw new ModelFormatException($"{_source}: node '{pad.Node}' (Pad): a Pad must be followed by Conv or AveragePool, not {node.OpType}");
        if (node.OpType is not "Add" && node.Inputs[0] != data[0])
            throw node.Error($"the data input must come first (expected '{data[0]}')");
        Branch next = node.OpType switch
        {
            "Conv" => Conv(node, b),
            "Gemm" => Gemm(node, b),
            "MatMul" => MatMul(node, b),
            "Add" => AddBias(node, b, data[0]),
            "AveragePool" => AveragePool(node, b),
            "GlobalAveragePool" => GlobalAveragePool(node, b),
            "Pad" => Pad(node, b),
            "Slice" => Slice(node, b),
            "Relu" => Relu(node, b),
            "Flatten" => Flatten(node, b),
            "Reshape" => Reshape(node, b),
            "BatchNormalization" => BatchNorm(node, b),
            "Identity" => Pass(node, b),
            "Dropout" => Dropout(node, b),
            _ => throw node.Error($"unsupported operator (Seco.Nn supports {string.Join(", ", OnnxImporter.SupportedOperators)})"),
        };
        Int128 values = (Int128)next.Shape.Channels * next.Shape.Height * next.Shape.Width;
        if (values > MaxActivationElements)
            throw node.Error($"its output {next.Shape} has {values} values, more than the {MaxActivationElements} an activation may hold");
        if (values == 0)
            throw node.Error($"its output {next.Shape} has no values");
        _values[node.Outputs[0]] = next;
    }

    private static Branch Pass(OnnxNode node, Branch b)
    {
        node.AllowOnly();
        return b;
    }

    /// <summary>Dropout at inference is the identity; in training mode (is_test = 0, or training_mode true) it is random.</summary>
    private Branch Dropout(OnnxNode node, Branch b)
    {
        node.AllowOnly("ratio", "seed", "is_test");
        if (node.Has("is_test") && node.Int("is_test", 1) == 0)
            throw node.Error("is_test = 0 drops values at random (training mode); only inference-mode Dropout is the identity");
        if (OptionalConstant(node, 2, "training_mode") is { } mode)
        {
            bool training = mode.DataType == (int)TensorProto.Types.DataType.Bool // BOOL: raw bytes or int32_data
                ? (mode.HasRawData ? mode.RawData.Any(v => v != 0) : mode.Int32Data.Any(v => v != 0))
                : Doubles(mode).Any(v => v != 0);
            if (training) throw node.Error("training_mode = true drops values at random; only inference-mode Dropout is the identity");
        }
        return b;
    }

    /// <summary>ReLU closes the open block: its main branch's layers, the residual add if any, then the ReLU.</summary>
    private Branch Relu(OnnxNode node, Branch b)
    {
        node.AllowOnly();
        if (b.Source != OpenBlock)
            throw node.Error($"closes a branch from the input of block {b.Source}, but block {OpenBlock} is open: " +
                             "the graph is not a chain of blocks (a shortcut may only be added to the newest branch)");
        if (b.Layers.Count == 0)
            throw node.Error("does not follow a linear layer (each ReLU must close a run of linear layers)");
        _layers.AddRange(b.Layers);
        if (b.Added is { } add)
            _layers.Add(new ResidualAddLayer(add.Name, b.Shape, add.Shortcut.Source, _blockInputs[add.Shortcut.Source - 1], add.Shortcut.Layers));
        _layers.Add(new ReluLayer(node.Name, b.Shape));
        _blockInputs.Add(b.Shape);
        return new Branch(OpenBlock, [], b.Shape) { Matrix = b.Matrix };
    }

    /// <summary>
    /// Add of two branches: the one from the newest activation is the block's main branch; the other (from the same
    /// or an earlier block's input) becomes its shortcut, checked for shape here and for exact scale alignment when
    /// the model is quantised (docs/fixed-point.md).
    /// </summary>
    private void ResidualAdd(OnnxNode node, Branch a, Branch b)
    {
        node.AllowOnly();
        // main: the newer source; on a tie the branch with more weighted layers (the identity shortcut has none), since
        // the shortcut may have at most as many as the main branch to be aligned exactly in fixed point
        bool aMain = a.Source != b.Source ? a.Source > b.Source : a.Weighted >= b.Weighted;
        (Branch main, Branch shortcut) = aMain ? (a, b) : (b, a);
        if (main.Source != OpenBlock)
            throw node.Error($"adds two branches from the inputs of blocks {a.Source} and {b.Source}, but block {OpenBlock} is open");
        foreach (Branch x in new[] { main, shortcut })
        {
            if (x.Added is not null) throw node.Error("adds to a branch that already has a residual add; one shortcut per block is supported");
            if (x.PendingPad is { } pad) throw new ModelFormatException($"{_source}: node '{pad.Node}' (Pad): a Pad must be followed by Conv or AveragePool, not Add");
        }
        if (main.Weighted == 0)
            throw node.Error("needs a Conv or Gemm on the block's main branch before the residual add");
        if (main.Matrix != shortcut.Matrix)
            throw node.Error($"adds a flattened [N,K] tensor and an [N,C,H,W] one ({main.Shape}); ONNX broadcasting makes that a larger " +
                             "tensor, not an element-wise sum (broadcasting is not supported)");
        if (main.Shape != shortcut.Shape)
            throw node.Error($"adds {main.Shape} and {shortcut.Shape}; the shortcut must have the block's output shape (broadcasting is not supported)");
        _values[node.Outputs[0]] = main with { Added = (node.Name, shortcut) };
    }

    private TensorProto Constant(OnnxNode node, int inputIndex, string role)
    {
        if (node.Inputs.Count <= inputIndex || node.Inputs[inputIndex] == "")
            throw node.Error($"missing {role} input");
        string name = node.Inputs[inputIndex];
        if (!_constants.TryGetValue(name, out TensorProto? t))
            throw node.Error($"{role} '{name}' must be an initializer or a Constant (computed {role}s are not supported)");
        return t;
    }

    private TensorProto? OptionalConstant(OnnxNode node, int inputIndex, string role) =>
        node.Inputs.Count > inputIndex && node.Inputs[inputIndex] != "" ? Constant(node, inputIndex, role) : null;

    private static Padding2d PendingPad(Branch b) => b.PendingPad?.Pad ?? Padding2d.None;

    private (int H, int W) Pair(OnnxNode node, string attr, long[]? values, int fallback)
    {
        if (values is null) return (fallback, fallback);
        if (values.Length != 2 || values.Any(v => v < 1 || v > 1 << 16))
            throw node.Error($"attribute '{attr}' must hold two positive values, got [{string.Join(",", values)}]");
        return ((int)values[0], (int)values[1]);
    }

    private Padding2d Pads(OnnxNode node)
    {
        string autoPad = node.String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID"))
            throw node.Error($"auto_pad = {autoPad} is not supported; export with explicit pads");
        long[]? pads = node.Ints("pads");
        if (pads is null) return Padding2d.None;
        if (pads.Length != 4 || pads.Any(v => v < 0 || v > 1 << 16))
            throw node.Error($"attribute 'pads' must hold four non-negative values, got [{string.Join(",", pads)}]");
        if (autoPad == "VALID" && pads.Any(v => v != 0))
            throw node.Error($"auto_pad = VALID means no padding, yet 'pads' is [{string.Join(",", pads)}]");
        // ONNX order: [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right]
        return new Padding2d((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
    }

    private static void RequireSpatial(OnnxNode node, Branch b)
    {
        if (b.Matrix)
            throw node.Error("needs a C×H×W input but the data was flattened");
    }

    private Branch Conv(OnnxNode node, Branch b)
    {
        node.AllowOnly("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        RequireSpatial(node, b);
        Shape shape = b.Shape;
        if (node.Int("group", 1) != 1) throw node.Error("grouped convolution (group ≠ 1) is not supported");
        if (node.Ints("dilations") is { } dil && dil.Any(d => d != 1)) throw node.Error("dilation ≠ 1 is not supported");
        TensorProto w = Constant(node, 1, "weight");
        if (w.Dims.Count != 4) throw node.Error($"weight '{w.Name}' must have rank 4 [outC, inC, kH, kW], has rank {w.Dims.Count}");
        int oc = (int)w.Dims[0], ic = (int)w.Dims[1], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        if (ic != shape.Channels) throw node.Error($"weight expects {ic} input channels but the input {shape} has {shape.Channels}");
        if (node.Ints("kernel_shape") is { } ks && (ks.Length != 2 || ks[0] != kh || ks[1] != kw))
            throw node.Error($"kernel_shape [{string.Join(",", ks)}] does not match the weight's {kh}×{kw}");
        var (sh, sw) = Pair(node, "strides", node.Ints("strides"), 1);
        Padding2d pad = Pads(node).Plus(PendingPad(b));
        double[] weights = Doubles(w);
        double[] bias = OptionalConstant(node, 2, "bias") is { } bt ? Doubles(bt) : new double[oc];
        if (bias.Length != oc) throw node.Error($"bias has {bias.Length} values for {oc} output channels");
        return b.With(new Conv2dLayer(node.Name, shape, oc, kh, kw, sh, sw, pad, weights, bias));
    }

    private Branch Gemm(OnnxNode node, Branch b)
    {
        node.AllowOnly("alpha", "beta", "transA", "transB");
        if (!b.Shape.IsVector) throw node.Error($"Gemm needs a flattened input but gets {b.Shape} (add a Flatten before it)");
        if (node.Int("transA", 0) != 0) throw node.Error("transA = 1 is not supported");
        bool transB = node.Int("transB", 0) != 0;
        double alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        TensorProto bt = Constant(node, 1, "weight");
        if (bt.Dims.Count != 2) throw node.Error($"weight '{bt.Name}' must have rank 2, has rank {bt.Dims.Count}");
        int outputs = (int)(transB ? bt.Dims[0] : bt.Dims[1]);
        int inputs = (int)(transB ? bt.Dims[1] : bt.Dims[0]);
        if (inputs != b.Shape.Size) throw node.Error($"weight expects {inputs} inputs but the input has {b.Shape.Size}");
        double[] raw = Doubles(bt);
        double[] w = transB ? raw : Transpose(raw, inputs, outputs);
        for (int i = 0; i < w.Length; i++) w[i] *= alpha;
        double[] bias = new double[outputs];
        if (OptionalConstant(node, 2, "bias") is { } c)
        {
            // C broadcasts to [1, outputs] from the right: [K, 1] or [2, K/2] hold K values but are no per-output bias
            if (c.Dims.Count > 2 || (c.Dims.Count == 2 && c.Dims[0] != 1))
                throw node.Error($"bias '{c.Name}' of shape [{string.Join(",", c.Dims)}] does not broadcast to [1, {outputs}]");
            double[] cv = Doubles(c);
            if (cv.Length == 1) Array.Fill(bias, cv[0] * beta);
            else if (cv.Length == outputs) for (int i = 0; i < outputs; i++) bias[i] = cv[i] * beta;
            else throw node.Error($"bias has {cv.Length} values for {outputs} outputs");
        }
        return b.With(new DenseLayer(node.Name, inputs, outputs, w, bias));
    }

    private Branch MatMul(OnnxNode node, Branch b)
    {
        node.AllowOnly();
        if (!b.Shape.IsVector) throw node.Error($"MatMul needs a flattened input but gets {b.Shape}");
        TensorProto bt = Constant(node, 1, "weight");
        if (bt.Dims.Count != 2) throw node.Error($"weight '{bt.Name}' must have rank 2 [in, out], has rank {bt.Dims.Count}");
        int inputs = (int)bt.Dims[0], outputs = (int)bt.Dims[1];
        if (inputs != b.Shape.Size) throw node.Error($"weight expects {inputs} inputs but the input has {b.Shape.Size}");
        return b.With(new DenseLayer(node.Name, inputs, outputs, Transpose(Doubles(bt), inputs, outputs), new double[outputs]));
    }

    /// <summary>Folds "Add constant" into the bias of the directly preceding Dense or Conv layer.</summary>
    private Branch AddBias(OnnxNode node, Branch b, string data)
    {
        node.AllowOnly();
        if (node.Inputs.Count != 2) throw node.Error("Add needs two inputs");
        int constIndex = node.Inputs[0] == data ? 1 : 0;
        TensorProto addend = Constant(node, constIndex, "addend");
        double[] c = Doubles(addend);
        LinearLayer last = b.Layers.Count > 0 && b.Layers[^1] is { HasWeights: true } l
            ? l
            : throw node.Error("Add of a constant is supported only as the bias of the directly preceding Conv, Gemm or MatMul");
        int channels = last.Output.Channels;
        if (c.Length != channels && c.Length != 1)
            throw node.Error($"bias has {c.Length} values for {channels} {(last is Conv2dLayer ? "channels" : "outputs")}");
        // ONNX broadcasting aligns the addend's last axis with the output's last (W of [N,C,H,W]): a bias per channel
        // has shape [C,1,1] or [1,C,1,1]; [C] would add along W
        int rank = last is Conv2dLayer ? 4 : 2;
        long[] dims = [.. Enumerable.Repeat(1L, Math.Max(0, rank - addend.Dims.Count)), .. addend.Dims];
        if (dims.Length != rank || dims.Where((d, i) => i != 1 && d != 1).Any())
            throw node.Error($"addend '{addend.Name}' of shape [{string.Join(",", addend.Dims)}] broadcasts over more than the " +
                             $"{(last is Conv2dLayer ? "channel axis of [N,C,H,W]" : "output axis of [N,K]")}; only a per-{(last is Conv2dLayer ? "channel" : "output")} bias is folded");
        double[] bias = last.Bias.ToArray();
        for (int i = 0; i < bias.Length; i++) bias[i] += c.Length == 1 ? c[0] : c[i];
        return b.WithLast(WithParameters(last, last.Weights.ToArray(), bias));
    }

    private Branch BatchNorm(OnnxNode node, Branch branch)
    {
        node.AllowOnly("epsilon", "momentum", "training_mode", "spatial");
        if (node.Int("training_mode", 0) != 0) throw node.Error("training_mode = 1 cannot be folded");
        if (branch.Layers.Count == 0 || branch.Layers[^1] is not { HasWeights: true } last)
            throw node.Error("BatchNormalization is supported only directly after a Conv or Gemm, where it is folded into the weights");
        double eps = node.Float("epsilon", 1e-5f);
        double[] scale = Doubles(Constant(node, 1, "scale"));
        double[] shift = Doubles(Constant(node, 2, "B"));
        double[] mean = Doubles(Constant(node, 3, "mean"));
        double[] variance = Doubles(Constant(node, 4, "var"));
        int channels = last.Output.Channels;
        if (new[] { scale, shift, mean, variance }.Any(a => a.Length != channels))
            throw node.Error($"scale, B, mean and var must each hold {channels} values");
        double[] w = last.Weights.ToArray(), b = last.Bias.ToArray();
        int perChannel = w.Length / channels; // weights are laid out output-channel-major in both layer kinds
        for (int ch = 0; ch < channels; ch++)
        {
            if (variance[ch] + eps <= 0) throw node.Error($"variance + epsilon of channel {ch} is not positive");
            double g = scale[ch] / Math.Sqrt(variance[ch] + eps);
            for (int k = 0; k < perChannel; k++) w[ch * perChannel + k] *= g;
            b[ch] = (b[ch] - mean[ch]) * g + shift[ch];
        }
        // each fold may scale by up to 2^200 (a float scale over the root of a denormal epsilon): a few in a row overflow
        if (!w.All(double.IsFinite) || !b.All(double.IsFinite))
            throw node.Error($"folding it into '{last.Name}' makes a weight or bias non-finite");
        return branch.WithLast(WithParameters(last, w, b));
    }

    private static LinearLayer WithParameters(LinearLayer layer, double[] w, double[] b) => layer switch
    {
        DenseLayer d => new DenseLayer(d.Name, d.Inputs, d.Outputs, w, b),
        Conv2dLayer c => new Conv2dLayer(c.Name, c.Input, c.Output.Channels, c.KernelH, c.KernelW, c.StrideH, c.StrideW, c.Padding, w, b),
        _ => throw new InvalidOperationException($"layer {layer.Kind} has no parameters"),
    };

    private Branch AveragePool(OnnxNode node, Branch b)
    {
        node.AllowOnly("kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad", "auto_pad");
        RequireSpatial(node, b);
        if (node.Int("ceil_mode", 0) != 0) throw node.Error("ceil_mode = 1 is not supported");
        var (kh, kw) = Pair(node, "kernel_shape", node.Ints("kernel_shape") ?? throw node.Error("missing kernel_shape"), 1);
        var (sh, sw) = Pair(node, "strides", node.Ints("strides"), 1);
        Padding2d own = Pads(node);
        if (!own.IsZero && node.Int("count_include_pad", 0) == 0)
            throw node.Error("padding with count_include_pad = 0 makes the divisor vary at the borders; only a constant divisor is supported");
        return b.With(new AvgPool2dLayer(node.Name, b.Shape, kh, kw, sh, sw, own.Plus(PendingPad(b))));
    }

    /// <summary>GlobalAveragePool: an average pool over the whole map (ResNet-32's 8×8: divisor 64, a power of two).</summary>
    private static Branch GlobalAveragePool(OnnxNode node, Branch b)
    {
        node.AllowOnly();
        RequireSpatial(node, b);
        return b.With(new AvgPool2dLayer(node.Name, b.Shape, b.Shape.Height, b.Shape.Width, 1, 1, Padding2d.None));
    }

    /// <summary>
    /// Slice of the data tensor with steps on the spatial axes only, <c>x[:, :, h0::sh, w0::sw]</c> (ResNet's option-A
    /// subsampling); consecutive slices of one branch merge into one <see cref="Subsample2dLayer"/>.
    /// </summary>
    private Branch Slice(OnnxNode node, Branch b)
    {
        node.AllowOnly();
        RequireSpatial(node, b);
        if (node.Inputs.Count < 3) throw node.Error("needs starts and ends inputs (opset 10 or later)");
        long[] starts = OnnxTensors.ToInt64s(Constant(node, 1, "starts"));
        long[] ends = OnnxTensors.ToInt64s(Constant(node, 2, "ends"));
        long[] axes = OptionalConstant(node, 3, "axes") is { } a ? OnnxTensors.ToInt64s(a) : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        long[] steps = OptionalConstant(node, 4, "steps") is { } st ? OnnxTensors.ToInt64s(st) : [.. starts.Select(_ => 1L)];
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw node.Error("starts, ends, axes and steps differ in length");
        Shape shape = b.Shape;
        int[] dims = [1, shape.Channels, shape.Height, shape.Width];
        int startH = 0, startW = 0, stepH = 1, stepW = 1;
        var seen = new HashSet<long>();
        for (int k = 0; k < axes.Length; k++)
        {
            long axis = axes[k] < 0 ? axes[k] + 4 : axes[k];
            if (axis is < 0 or > 3) throw node.Error($"axis {axes[k]} is out of range for a 4-D tensor");
            if (!seen.Add(axis)) throw node.Error($"axis {axes[k]} is sliced more than once");
            int dim = dims[axis];
            long start = starts[k] < 0 ? Math.Max(0, starts[k] + dim) : Math.Min(starts[k], dim);
            long end = ends[k] < 0 ? ends[k] + dim : ends[k];
            if (steps[k] < 1 || steps[k] > 1 << 16) throw node.Error($"step {steps[k]} on axis {axis}: only positive steps are supported");
            if (end < dim) throw node.Error($"ends at {ends[k]} on axis {axis} of size {dim}; only slices that run to the end (strided subsampling) are supported");
            if (axis < 2)
            {
                if (start != 0 || steps[k] != 1) throw node.Error($"slices the {(axis == 0 ? "batch" : "channel")} axis; only the spatial axes may be subsampled");
                continue;
            }
            if (start >= dim) throw node.Error($"starts at {starts[k]} on axis {axis} of size {dim}: selects nothing");
            if (axis == 2) (startH, stepH) = ((int)start, (int)steps[k]);
            else (startW, stepW) = ((int)start, (int)steps[k]);
        }
        if (b.Layers.Count > 0 && b.Layers[^1] is Subsample2dLayer prior)
        {
            // x[h0::sh][h1::sh'] = x[h0 + sh·h1 :: sh·sh'], axis by axis (the start stays inside the input); a step
            // beyond the axis selects only the start, so the product is capped there rather than wrapping in 32 bits
            return b.WithLast(new Subsample2dLayer(prior.Name, prior.Input,
                prior.StartH + (prior.StepH * startH), prior.StartW + (prior.StepW * startW),
                (int)Math.Min((long)prior.StepH * stepH, prior.Input.Height), (int)Math.Min((long)prior.StepW * stepW, prior.Input.Width)));
        }
        return b.With(new Subsample2dLayer(node.Name, shape, startH, startW, stepH, stepW));
    }

    /// <summary>A zero, constant-mode Pad on the spatial axes, held until the Conv or AveragePool it feeds.</summary>
    private Branch Pad(OnnxNode node, Branch b)
    {
        node.AllowOnly("mode", "pads", "value");
        RequireSpatial(node, b);
        if (node.String("mode", "constant") != "constant") throw node.Error($"mode '{node.String("mode", "")}' is not supported (only constant zero padding)");
        long[] pads = node.Ints("pads") ?? OnnxTensors.ToInt64s(Constant(node, 1, "pads"));
        double value = node.Has("value") ? node.Float("value", 0f)
            : OptionalConstant(node, 2, "constant_value") is { } cv ? Doubles(cv).FirstOrDefault() : 0.0;
        if (node.Inputs.Count > 3 && node.Inputs[3] != "") throw node.Error("the 'axes' input is not supported");
        if (value != 0) throw node.Error($"padding value {value} is not supported (only 0)");
        if (pads.Length != 8 || pads[0] != 0 || pads[4] != 0 || pads.Any(p => p < 0 || p > 1 << 16))
            throw node.Error($"pads [{string.Join(",", pads)}] must be 8 non-negative values padding channels or H and W, not the batch");
        bool channels = pads[1] != 0 || pads[5] != 0, spatial = pads[2] != 0 || pads[3] != 0 || pads[6] != 0 || pads[7] != 0;
        if (channels && spatial) throw node.Error($"pads [{string.Join(",", pads)}] pad channels and H or W at once; only one of the two is supported");
        if (channels)
        {
            // zero channels: the widening half of ResNet's option-A shortcut
            if (b.PendingPad is not null) throw node.Error("pads channels after a spatial Pad");
            return b.With(new ChannelPadLayer(node.Name, b.Shape, (int)pads[1], (int)pads[5]));
        }
        var p = new Padding2d((int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7]);
        return b with { PendingPad = (PendingPad(b).Plus(p), node.Name) };
    }

    private static Branch Flatten(OnnxNode node, Branch b)
    {
        node.AllowOnly("axis");
        if (node.Int("axis", 1) != 1) throw node.Error("only axis = 1 (keep the batch dimension) is supported");
        return b.With(new FlattenLayer(node.Name, b.Shape));
    }

    private Branch Reshape(OnnxNode node, Branch b)
    {
        node.AllowOnly("allowzero");
        long[] target = OnnxTensors.ToInt64s(Constant(node, 1, "shape"));
        if (node.Int("allowzero", 0) != 0 && target.Contains(0))
            throw node.Error($"Reshape to [{string.Join(",", target)}] with allowzero = 1 makes a tensor of no values");
        int size = b.Shape.Size;
        bool flatten = target switch
        {
            [var k] => k == size || k == -1,
            [var n, var k] => (n is 1 or -1 or 0) && (k == size || (k == -1 && n != -1)),
            _ => false,
        };
        if (!flatten)
            throw node.Error($"Reshape to [{string.Join(",", target)}] is not a flatten of {b.Shape}; only flattening reshapes are supported");
        return b.With(new FlattenLayer(node.Name, b.Shape));
    }

    /// <summary>A parameter tensor's values, counted against the decode budget (a shared weight is decoded per use).</summary>
    private double[] Doubles(TensorProto t)
    {
        _decodedValues += OnnxTensors.ElementCount(t);
        if (_decodedValues > _decodeBudget)
            throw new FormatException($"tensor '{t.Name}': the layers' parameters decode to more than {_decodeBudget} values, " +
                                      "one per byte of the graph (a weight shared by many layers is decoded for each)");
        return OnnxTensors.ToDoubles(t);
    }

    private static double[] Transpose(double[] m, int rows, int cols)
    {
        var t = new double[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
