namespace Seco.Scenarios;

/// <summary>
/// The model to run: an ONNX file (absolute path; the loader has checked that it exists but has
/// not parsed it) and the fixed-point precision (docs/fixed-point.md).
/// </summary>
public sealed record ModelSpec
{
    public const int DefaultFractionalBits = 8;

    /// <summary>Same bounds as Seco.Nn's FixedPointFormat: beyond 20 bits, products overflow the headroom of Z_p.</summary>
    public const int MinFractionalBits = 1;
    public const int MaxFractionalBits = 20;

    public ModelSpec(string path, int fractionalBits = DefaultFractionalBits)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!System.IO.Path.IsPathFullyQualified(path))
            throw new ArgumentException($"model path '{path}' must be absolute", nameof(path));
        if (fractionalBits is < MinFractionalBits or > MaxFractionalBits)
            throw new ArgumentOutOfRangeException(nameof(fractionalBits), fractionalBits,
                $"fractional bits must be between {MinFractionalBits} and {MaxFractionalBits}");
        Path = path;
        FractionalBits = fractionalBits;
    }

    /// <summary>Absolute path of the ONNX file.</summary>
    public string Path { get; }

    public int FractionalBits { get; }
}
