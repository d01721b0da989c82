using Seco.Nn.Layers;
using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Onnx;

/// <summary>One pass over an ONNX graph's nodes, building layers and tracking the data tensor.</summary>
internal sealed class GraphWalk
{
    private readonly GraphProto _graph;
    private readonly string _source;
    private readonly Dictionary<string, TensorProto> _constants = new();
    private readonly List<Layer> _layers = new();
    private string _current = "";
    private Shape _shape;
    private (Padding2d Pad, string Node)? _pendingPad;

    public GraphWalk(GraphProto graph, string source)
    {
        _graph = graph;
        _source = source;
        foreach (TensorProto t in graph.Initializer) _constants[t.Name] = t;
    }

    public NeuralModel Run(string name)
    {
        (_current, _shape) = DataInput();
        Shape input = _shape;
        for (int i = 0; i < _graph.Node.Count; i++)
        {
            var node = new OnnxNode(_graph.Node[i], i, _source);
            Visit(node, _graph.Node[i].Domain);
        }
        if (_pendingPad is { } p)
            throw new ModelFormatException($"{_source}: node '{p.Node}' (Pad): a Pad must be followed by Conv or AveragePool");
        if (_graph.Output.Count != 1)
            throw new ModelFormatException($"{_source}: the graph has {_graph.Output.Count} outputs; exactly one (the logits) is supported");
        if (_graph.Output[0].Name != _current)
            throw new ModelFormatException($"{_source}: graph output '{_graph.Output[0].Name}' is not produced by the last layer of the chain ('{_current}')");
        return new NeuralModel(name, input, _layers.ToArray());
    }

    private (string Name, Shape Shape) DataInput()
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
        return dims.Length switch
        {
            3 => (v.Name, new Shape((int)dims[0], (int)dims[1], (int)dims[2])),
            1 => (v.Name, Shape.Vector((int)dims[0])),
            _ => throw new ModelFormatException($"{_source}: graph input '{v.Name}' has rank {dims.Length + 1}; [N,C,H,W] or [N,K] is supported"),
        };
    }

    private void Visit(OnnxNode node, string domain)
    {
        if (domain is not ("" or "ai.onnx"))
            throw node.Error($"operator from domain '{domain}' is not supported (only the default ONNX domain)");
        if (node.OpType == "Constant")
        {
            TensorProto t = node.Tensor("value") ?? throw node.Error("only the 'value' form of Constant is supported");
            node.AllowOnly("value");
            _constants[node.Outputs[0]] = t;
            return;
        }
        if (node.Inputs.Count == 0 || !node.Inputs.Contains(_current))
            throw node.Error($"the graph is not a simple chain: the node does not consume the previous layer's output '{_current}'");
        if (_pendingPad is { } pad && node.OpType is not ("Conv" or "AveragePool"))
            throw new ModelFormatException($"{_source}: node '{pad.Node}' (Pad): a Pad must be followed by Conv or AveragePool, not {node.OpType}");
        switch (node.OpType)
        {
            case "Conv": Conv(node); break;
            case "Gemm": Gemm(node); break;
            case "MatMul": MatMul(node); break;
            case "Add": AddBias(node); break;
            case "AveragePool": AveragePool(node); break;
            case "Pad": Pad(node); break;
            case "Relu":
                node.AllowOnly();
                Emit(node, new ReluLayer(node.Name, _shape));
                break;
            case "Flatten":
                node.AllowOnly("axis");
                if (node.Int("axis", 1) != 1) throw node.Error("only axis = 1 (keep the batch dimension) is supported");
                Emit(node, new FlattenLayer(node.Name, _shape));
                break;
            case "Reshape": Reshape(node); break;
            case "BatchNormalization": BatchNorm(node); break;
            case "Identity":
            case "Dropout":
                _current = node.Outputs[0];
                break;
            default:
                throw node.Error($"unsupported operator (Seco.Nn supports {string.Join(", ", OnnxImporter.SupportedOperators)})");
        }
    }

    private void Emit(OnnxNode node, Layer layer)
    {
        _layers.Add(layer);
        _shape = layer.Output;
        _current = node.Outputs[0];
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

    private void RequireDataFirst(OnnxNode node)
    {
        if (node.Inputs[0] != _current)
            throw node.Error($"the data input must come first (expected '{_current}')");
    }

    private Padding2d TakePendingPad()
    {
        Padding2d p = _pendingPad?.Pad ?? Padding2d.None;
        _pendingPad = null;
        return p;
    }

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
        // ONNX order: [x1_begin, x2_begin, x1_end, x2_end] = [top, left, bottom, right]
        return new Padding2d((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
    }

    private void RequireSpatial(OnnxNode node)
    {
        if (_shape.IsVector && _layers.Count > 0 && _layers[^1] is FlattenLayer)
            throw node.Error("needs a C×H×W input but the data was flattened");
    }

    private void Conv(OnnxNode node)
    {
        node.AllowOnly("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        RequireDataFirst(node);
        RequireSpatial(node);
        if (node.Int("group", 1) != 1) throw node.Error("grouped convolution (group ≠ 1) is not supported");
        if (node.Ints("dilations") is { } dil && dil.Any(d => d != 1)) throw node.Error("dilation ≠ 1 is not supported");
        TensorProto w = Constant(node, 1, "weight");
        if (w.Dims.Count != 4) throw node.Error($"weight '{w.Name}' must have rank 4 [outC, inC, kH, kW], has rank {w.Dims.Count}");
        int oc = (int)w.Dims[0], ic = (int)w.Dims[1], kh = (int)w.Dims[2], kw = (int)w.Dims[3];
        if (ic != _shape.Channels) throw node.Error($"weight expects {ic} input channels but the input {_shape} has {_shape.Channels}");
        if (node.Ints("kernel_shape") is { } ks && (ks.Length != 2 || ks[0] != kh || ks[1] != kw))
            throw node.Error($"kernel_shape [{string.Join(",", ks)}] does not match the weight's {kh}×{kw}");
        var (sh, sw) = Pair(node, "strides", node.Ints("strides"), 1);
        Padding2d pad = Pads(node).Plus(TakePendingPad());
        double[] weights = OnnxTensors.ToDoubles(w);
        double[] bias = OptionalConstant(node, 2, "bias") is { } b ? OnnxTensors.ToDoubles(b) : new double[oc];
        if (bias.Length != oc) throw node.Error($"bias has {bias.Length} values for {oc} output channels");
        Emit(node, new Conv2dLayer(node.Name, _shape, oc, kh, kw, sh, sw, pad, weights, bias));
    }

    private void Gemm(OnnxNode node)
    {
        node.AllowOnly("alpha", "beta", "transA", "transB");
        RequireDataFirst(node);
        if (!_shape.IsVector) throw node.Error($"Gemm needs a flattened input but gets {_shape} (add a Flatten before it)");
        if (node.Int("transA", 0) != 0) throw node.Error("transA = 1 is not supported");
        bool transB = node.Int("transB", 0) != 0;
        double alpha = node.Float("alpha", 1f), beta = node.Float("beta", 1f);
        TensorProto bt = Constant(node, 1, "weight");
        if (bt.Dims.Count != 2) throw node.Error($"weight '{bt.Name}' must have rank 2, has rank {bt.Dims.Count}");
        int outputs = (int)(transB ? bt.Dims[0] : bt.Dims[1]);
        int inputs = (int)(transB ? bt.Dims[1] : bt.Dims[0]);
        if (inputs != _shape.Size) throw node.Error($"weight expects {inputs} inputs but the input has {_shape.Size}");
        double[] raw = OnnxTensors.ToDoubles(bt);
        double[] w = transB ? raw : Transpose(raw, inputs, outputs);
        for (int i = 0; i < w.Length; i++) w[i] *= alpha;
        double[] bias = new double[outputs];
        if (OptionalConstant(node, 2, "bias") is { } c)
        {
            double[] cv = OnnxTensors.ToDoubles(c);
            if (cv.Length == 1) Array.Fill(bias, cv[0] * beta);
            else if (cv.Length == outputs) for (int i = 0; i < outputs; i++) bias[i] = cv[i] * beta;
            else throw node.Error($"bias has {cv.Length} values for {outputs} outputs");
        }
        Emit(node, new DenseLayer(node.Name, inputs, outputs, w, bias));
    }

    private void MatMul(OnnxNode node)
    {
        node.AllowOnly();
        RequireDataFirst(node);
        if (!_shape.IsVector) throw node.Error($"MatMul needs a flattened input but gets {_shape}");
        TensorProto bt = Constant(node, 1, "weight");
        if (bt.Dims.Count != 2) throw node.Error($"weight '{bt.Name}' must have rank 2 [in, out], has rank {bt.Dims.Count}");
        int inputs = (int)bt.Dims[0], outputs = (int)bt.Dims[1];
        if (inputs != _shape.Size) throw node.Error($"weight expects {inputs} inputs but the input has {_shape.Size}");
        Emit(node, new DenseLayer(node.Name, inputs, outputs, Transpose(OnnxTensors.ToDoubles(bt), inputs, outputs), new double[outputs]));
    }

    /// <summary>Folds "Add constant" into the bias of the directly preceding Dense or Conv layer.</summary>
    private void AddBias(OnnxNode node)
    {
        node.AllowOnly();
        if (node.Inputs.Count != 2) throw node.Error("Add needs two inputs");
        int constIndex = node.Inputs[0] == _current ? 1 : 0;
        double[] c = OnnxTensors.ToDoubles(Constant(node, constIndex, "addend"));
        LinearLayer last = _layers.Count > 0 && _layers[^1] is LinearLayer { HasWeights: true } l
            ? l
            : throw node.Error("Add of a constant is supported only as the bias of the directly preceding Conv, Gemm or MatMul");
        int channels = last.Output.Channels;
        if (c.Length != channels && c.Length != 1)
            throw node.Error($"bias has {c.Length} values for {channels} {(last is Conv2dLayer ? "channels" : "outputs")}");
        double[] bias = last.Bias.ToArray();
        for (int i = 0; i < bias.Length; i++) bias[i] += c.Length == 1 ? c[0] : c[i];
        Replace(node, WithParameters(last, last.Weights.ToArray(), bias));
    }

    private void BatchNorm(OnnxNode node)
    {
        node.AllowOnly("epsilon", "momentum", "training_mode", "spatial");
        RequireDataFirst(node);
        if (node.Int("training_mode", 0) != 0) throw node.Error("training_mode = 1 cannot be folded");
        if (_layers.Count == 0 || _layers[^1] is not LinearLayer { HasWeights: true } last)
            throw node.Error("BatchNormalization is supported only directly after a Conv or Gemm, where it is folded into the weights");
        double eps = node.Float("epsilon", 1e-5f);
        double[] scale = OnnxTensors.ToDoubles(Constant(node, 1, "scale"));
        double[] shift = OnnxTensors.ToDoubles(Constant(node, 2, "B"));
        double[] mean = OnnxTensors.ToDoubles(Constant(node, 3, "mean"));
        double[] variance = OnnxTensors.ToDoubles(Constant(node, 4, "var"));
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
        Replace(node, WithParameters(last, w, b));
    }

    private void Replace(OnnxNode node, Layer layer)
    {
        _layers[^1] = layer;
        _current = node.Outputs[0];
    }

    private static LinearLayer WithParameters(LinearLayer layer, double[] w, double[] b) => layer switch
    {
        DenseLayer d => new DenseLayer(d.Name, d.Inputs, d.Outputs, w, b),
        Conv2dLayer c => new Conv2dLayer(c.Name, c.Input, c.Output.Channels, c.KernelH, c.KernelW, c.StrideH, c.StrideW, c.Padding, w, b),
        _ => throw new InvalidOperationException($"layer {layer.Kind} has no parameters"),
    };

    private void AveragePool(OnnxNode node)
    {
        node.AllowOnly("kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad", "auto_pad");
        RequireDataFirst(node);
        RequireSpatial(node);
        if (node.Int("ceil_mode", 0) != 0) throw node.Error("ceil_mode = 1 is not supported");
        var (kh, kw) = Pair(node, "kernel_shape", node.Ints("kernel_shape") ?? throw node.Error("missing kernel_shape"), 1);
        var (sh, sw) = Pair(node, "strides", node.Ints("strides"), 1);
        Padding2d own = Pads(node);
        if (!own.IsZero && node.Int("count_include_pad", 0) == 0)
            throw node.Error("padding with count_include_pad = 0 makes the divisor vary at the borders; only a constant divisor is supported");
        Emit(node, new AvgPool2dLayer(node.Name, _shape, kh, kw, sh, sw, own.Plus(TakePendingPad())));
    }

    /// <summary>A zero, constant-mode Pad on the spatial axes, held until the Conv or AveragePool it feeds.</summary>
    private void Pad(OnnxNode node)
    {
        node.AllowOnly("mode", "pads", "value");
        RequireDataFirst(node);
        RequireSpatial(node);
        if (node.String("mode", "constant") != "constant") throw node.Error($"mode '{node.String("mode", "")}' is not supported (only constant zero padding)");
        long[] pads = node.Ints("pads") ?? OnnxTensors.ToInt64s(Constant(node, 1, "pads"));
        double value = node.Has("value") ? node.Float("value", 0f)
            : OptionalConstant(node, 2, "constant_value") is { } cv ? OnnxTensors.ToDoubles(cv).FirstOrDefault() : 0.0;
        if (node.Inputs.Count > 3 && node.Inputs[3] != "") throw node.Error("the 'axes' input is not supported");
        if (value != 0) throw node.Error($"padding value {value} is not supported (only 0)");
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(p => p < 0 || p > 1 << 16))
            throw node.Error($"pads [{string.Join(",", pads)}] must be 8 non-negative values padding only H and W");
        var p = new Padding2d((int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7]);
        _pendingPad = ((_pendingPad?.Pad ?? Padding2d.None).Plus(p), node.Name);
        _current = node.Outputs[0];
    }

    private void Reshape(OnnxNode node)
    {
        node.AllowOnly("allowzero");
        RequireDataFirst(node);
        long[] target = OnnxTensors.ToInt64s(Constant(node, 1, "shape"));
        int size = _shape.Size;
        bool flatten = target switch
        {
            [var k] => k == size || k == -1,
            [var n, var k] => (n is 1 or -1 or 0) && (k == size || (k == -1 && n != -1)),
            _ => false,
        };
        if (!flatten)
            throw node.Error($"Reshape to [{string.Join(",", target)}] is not a flatten of {_shape}; only flattening reshapes are supported");
        Emit(node, new FlattenLayer(node.Name, _shape));
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
