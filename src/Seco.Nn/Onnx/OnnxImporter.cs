using Google.Protobuf;
using Seco.Nn.Layers;
using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Onnx;

/// <summary>
/// Imports a feed-forward CNN from an ONNX file into a <see cref="NeuralModel"/>. The graph must be
/// a chain of blocks from the input to the output, where a block may add a residual shortcut from an earlier
/// block's input (ResNet); supported operators are listed in
/// <see cref="SupportedOperators"/>. Anything else is rejected with a one-line error naming the
/// file, the node, its op type and the reason (what users of such tools ask for most).
/// BatchNormalization, a bias Add and a zero Pad are folded into the neighbouring layer here, in
/// floating point, before any quantisation.
/// </summary>
public static class OnnxImporter
{
    /// <summary>Upper bound on the file size we read (the largest shipped model is ~2 MB).</summary>
    public const long MaxFileBytes = 512L * 1024 * 1024;

    public static readonly IReadOnlyList<string> SupportedOperators =
    [
        "Conv", "Gemm", "MatMul", "Add", "AveragePool", "GlobalAveragePool", "Pad", "Slice", "Relu", "Flatten", "Reshape",
        "BatchNormalization", "Identity", "Dropout", "Constant",
        // integer shape arithmetic, folded to constants (ConstantFolding)
        "ConstantOfShape", "Concat", "Transpose", "Cast", "Unsqueeze", "Squeeze",
    ];

    public static NeuralModel Load(string path) => Parse(ReadFile(path), path, Path.GetFileNameWithoutExtension(path));

    /// <summary>Loads a model and gives the SHA-256 of exactly the bytes it was parsed from (a deployment names its model by it).</summary>
    public static NeuralModel Load(string path, out byte[] sha256)
    {
        byte[] bytes = ReadFile(path);
        sha256 = System.Security.Cryptography.SHA256.HashData(bytes);
        return Parse(bytes, path, Path.GetFileNameWithoutExtension(path));
    }

    private static byte[] ReadFile(string path)
    {
        FileInfo file = new(path);
        if (!file.Exists) throw new ModelFormatException($"{path}: model file not found");
        return BoundedFile.Read(path, MaxFileBytes, "model", message => new ModelFormatException(message));
    }

    public static NeuralModel Parse(byte[] bytes, string source, string? modelName = null)
    {
        if (bytes.Length == 0) throw new ModelFormatException($"{source}: the file is empty, not an ONNX model");
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException($"{source}: not a valid ONNX file (protobuf decoding failed: {e.Message.TrimEnd('.')})", e);
        }
        if (proto.IrVersion < 3 || proto.IrVersion > 12)
            throw new ModelFormatException($"{source}: not a valid ONNX file (IR version {proto.IrVersion} is missing or outside 3..12)");
        if (proto.Graph is null || proto.Graph.Node.Count == 0)
            throw new ModelFormatException($"{source}: the ONNX model has no graph nodes");
        try
        {
            return new GraphWalk(proto.Graph, source).Run(modelName ?? (string.IsNullOrEmpty(proto.Graph.Name) ? "model" : proto.Graph.Name));
        }
        catch (FormatException e)
        {
            throw new ModelFormatException($"{source}: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{source}: {e.Message}", e);
        }
    }
}
