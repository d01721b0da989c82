namespace Seco.Nn.FixedPoint;

/// <summary>
/// Fixed point with <see cref="FractionalBits"/> fractional bits: a real x is the integer
/// round(x · 2^f). Rounding is to nearest, ties away from zero (documented in docs/fixed-point.md
/// so any other implementation can reproduce the quantisation bit for bit).
/// </summary>
public sealed record FixedPointFormat
{
    public const int DefaultFractionalBits = 8;
    public const int MaxFractionalBits = 20;

    public FixedPointFormat(int fractionalBits = DefaultFractionalBits)
    {
        if (fractionalBits < 1 || fractionalBits > MaxFractionalBits)
            throw new ArgumentOutOfRangeException(nameof(fractionalBits), fractionalBits,
                $"fractional bits must be between 1 and {MaxFractionalBits}");
        FractionalBits = fractionalBits;
    }

    public int FractionalBits { get; }

    public static FixedPointFormat Default { get; } = new();

    /// <summary>round(x · 2^(scaleBits)), ties away from zero.</summary>
    public static long Quantize(double x, int scaleBits)
    {
        if (double.IsNaN(x) || double.IsInfinity(x))
            throw new ArgumentException($"cannot quantize {x}", nameof(x));
        double scaled = Math.Round(Math.ScaleB(x, scaleBits), MidpointRounding.AwayFromZero);
        if (Math.Abs(scaled) >= 9.2e18)
            throw new OverflowException($"{x} at scale 2^{scaleBits} does not fit in 64 bits");
        return (long)scaled;
    }

    /// <summary>The input encoding: round(x · 2^f).</summary>
    public long Encode(double x) => Quantize(x, FractionalBits);

    /// <summary>The real value of an integer at scale 2^(scaleBits).</summary>
    public static double Decode(long value, int scaleBits) => Math.ScaleB(value, -scaleBits);
}
