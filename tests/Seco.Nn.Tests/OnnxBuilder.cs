using Google.Protobuf;
using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Tests;

/// <summary>Builds small ONNX models in memory, so importer tests need no files.</summary>
internal sealed class OnnxBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private string _current;
    private int _counter;

    public OnnxBuilder(params long[] inputDims)
    {
        _current = "input";
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        foreach (long d in inputDims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        _graph.Input.Add(new ValueInfoProto
        {
            Name = "input",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        });
    }

    public string Current => _current;

    public string Initializer(double[] values, params long[] dims)
    {
        string name = $"w{_counter++}";
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values.Select(v => (float)v));
        _graph.Initializer.Add(t);
        return name;
    }

    public string Int64Initializer(long[] values, params long[] dims)
    {
        string name = $"i{_counter++}";
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        return name;
    }

    public NodeProto Node(string op, string[] extraInputs, params AttributeProto[] attributes)
    {
        string output = $"t{_counter++}";
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}_{_counter}" };
        node.Input.Add(_current);
        node.Input.AddRange(extraInputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        _current = output;
        return node;
    }

    /// <summary>Continues from an earlier tensor (to build a second branch of a residual block).</summary>
    public OnnxBuilder From(string tensor)
    {
        _current = tensor;
        return this;
    }

    /// <summary>An Add of the current tensor and <paramref name="other"/> (a residual join).</summary>
    public NodeProto Join(string other) => Node("Add", [other]);

    /// <summary>A node reading only constants (shape arithmetic); the current data tensor stays as it was.</summary>
    public string ConstantNode(string op, string[] inputs, params AttributeProto[] attributes)
    {
        string output = $"k{_counter++}";
        var node = new NodeProto { OpType = op, Name = $"{op.ToLowerInvariant()}_{_counter}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public byte[] Build()
    {
        var graph = _graph.Clone();
        graph.Output.Add(new ValueInfoProto { Name = _current });
        var model = new ModelProto { IrVersion = 8, ProducerName = "seco-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    public Seco.Nn.Layers.NeuralModel Import() => Seco.Nn.Onnx.OnnxImporter.Parse(Build(), "test.onnx", "test");
}
