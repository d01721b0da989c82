namespace Seco.Nn.Data;

/// <summary>
/// Greyscale images with labels (MNIST / Fashion-MNIST style): <see cref="Count"/> images of
/// <see cref="Rows"/> × <see cref="Columns"/> bytes each, row-major, plus one label byte per image.
/// </summary>
public sealed class ImageSet
{
    private readonly byte[] _pixels;
    private readonly byte[]? _labels;

    public ImageSet(int count, int rows, int columns, byte[] pixels, byte[]? labels)
    {
        if (pixels.Length != (long)count * rows * columns)
            throw new ArgumentException($"{pixels.Length} pixel bytes for {count} images of {rows}×{columns}");
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{labels.Length} labels for {count} images");
        Count = count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
        _labels = labels;
    }

    public int Count { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int PixelsPerImage => Rows * Columns;
    public bool HasLabels => _labels is not null;

    public ReadOnlySpan<byte> Pixels(int index) => _pixels.AsSpan(CheckIndex(index) * PixelsPerImage, PixelsPerImage);

    public int Label(int index) => _labels is null
        ? throw new InvalidOperationException("this image set has no labels")
        : _labels[CheckIndex(index)];

    /// <summary>The network input for image <paramref name="index"/>: pixel / 255, in [0, 1].</summary>
    public double[] Input(int index)
    {
        ReadOnlySpan<byte> px = Pixels(index);
        var x = new double[px.Length];
        for (int i = 0; i < x.Length; i++) x[i] = px[i] / 255.0;
        return x;
    }

    /// <summary>
    /// Whether the images can feed a model with input <paramref name="shape"/>: as they are (1×R×C, or R·C values), or —
    /// for a 3×(R+4)×(C+4) input such as ResNet-32's 3×32×32 — through <see cref="InputFor"/>'s transform.
    /// </summary>
    public bool Fits(Layers.Shape shape) => IsAsItIs(shape) || IsRgbPadded(shape);

    /// <summary>1×R×C or a vector of R·C values; another shape of R·C values (4×(R/2)×(C/2)) would reorder the pixels.</summary>
    private bool IsAsItIs(Layers.Shape shape) => shape == new Layers.Shape(1, Rows, Columns) || shape == Layers.Shape.Vector(PixelsPerImage);

    private bool IsRgbPadded(Layers.Shape shape) => shape == new Layers.Shape(3, Rows + 4, Columns + 4);

    /// <summary>
    /// The network input for image <paramref name="index"/> shaped for <paramref name="shape"/>: pixel / 255 as
    /// <see cref="Input"/>, and for a 3×(R+4)×(C+4) model the greyscale image zero-padded by 2 pixels on every side and
    /// copied to three channels — how scripts/train_models.py feeds Fashion-MNIST to ResNet-32 (no CIFAR data set is
    /// reachable here; models/README.md).
    /// </summary>
    public double[] InputFor(int index, Layers.Shape shape)
    {
        if (IsAsItIs(shape)) return Input(index);
        if (!IsRgbPadded(shape))
            throw new ArgumentException($"images of {Rows}×{Columns} cannot feed an input of {shape}");
        double[] grey = Input(index);
        var x = new double[shape.Size];
        int w = shape.Width, plane = shape.Height * w;
        for (int ch = 0; ch < 3; ch++)
            for (int r = 0; r < Rows; r++)
                grey.AsSpan(r * Columns, Columns).CopyTo(x.AsSpan((ch * plane) + ((r + 2) * w) + 2));
        return x;
    }

    private int CheckIndex(int index) =>
        (uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"the set has {Count} images");
}
