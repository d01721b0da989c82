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

    private int CheckIndex(int index) =>
        (uint)index < (uint)Count ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"the set has {Count} images");
}
