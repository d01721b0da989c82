namespace Seco.Nn.Layers;

/// <summary>
/// The shape of one activation tensor without the batch dimension: channels × height × width,
/// stored row-major (NCHW order, as ONNX does). A flat vector of k values is (k, 1, 1).
/// </summary>
public readonly record struct Shape(int Channels, int Height, int Width)
{
    public int Size => checked(Channels * Height * Width);

    public static Shape Vector(int length) => new(length, 1, 1);

    public bool IsVector => Height == 1 && Width == 1;

    public override string ToString() => IsVector ? $"{Channels}" : $"{Channels}×{Height}×{Width}";
}
