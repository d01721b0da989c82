namespace Seco.Lattice.Linear;

/// <summary>
/// A 2-D convolution's shape, as <c>ConvPacked</c> needs it: C_in×H×W input, C_out output channels, a KH×KW kernel,
/// strides and zero padding (top, left, bottom, right). Cross-correlation, as ONNX Conv and PyTorch compute it:
/// out[o][y][x] = Σ_i Σ_u Σ_v w[o][i][u][v] · in[i][SH·y + u − top][SW·x + v − left] (zero outside the image).
/// </summary>
public sealed record ConvShape(
    int InChannels, int Height, int Width, int OutChannels, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0)
{
    /// <summary>Output rows: ⌊(H + top + bottom − KH) / SH⌋ + 1.</summary>
    public int OutHeight => ((Height + PadTop + PadBottom - KernelH) / StrideH) + 1;

    /// <summary>Output columns: ⌊(W + left + right − KW) / SW⌋ + 1.</summary>
    public int OutWidth => ((Width + PadLeft + PadRight - KernelW) / StrideW) + 1;

    public int InputSize => checked(InChannels * Height * Width);

    public int OutputSize => checked(OutChannels * OutHeight * OutWidth);

    /// <summary>The most inputs, outputs or weights a planned convolution may have (2^24, the importer's activation bound).</summary>
    public const int MaxValues = 1 << 24;

    /// <summary>Weights in [o][i][u][v] order.</summary>
    public int WeightCount => checked(OutChannels * InChannels * KernelH * KernelW);

    internal void Validate()
    {
        if (InChannels < 1 || Height < 1 || Width < 1 || OutChannels < 1 || KernelH < 1 || KernelW < 1 || StrideH < 1 || StrideW < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(InChannels), $"{this} has a non-positive dimension.");
        }

        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0 || PadTop >= KernelH || PadBottom >= KernelH || PadLeft >= KernelW || PadRight >= KernelW)
        {
            throw new ArgumentOutOfRangeException(nameof(PadTop), $"{this}: padding must be non-negative and smaller than the kernel.");
        }

        if (OutHeight < 1 || OutWidth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KernelH), $"{this}: the kernel is larger than the padded image.");
        }

        // shapes come from model and party files: bound them before anything is sized by them
        if ((long)InChannels * Height * Width > MaxValues || (long)OutChannels * OutHeight * OutWidth > MaxValues
            || (long)InChannels * OutChannels * KernelH * KernelW > MaxValues)
        {
            throw new ArgumentOutOfRangeException(nameof(InChannels), $"{this}: more than {MaxValues} inputs, outputs or weights.");
        }
    }

    // a shape not yet validated (a party file's stride 0) is printed too: its output grid only when the strides divide
    public override string ToString() =>
        $"{InChannels}×{Height}×{Width} → {OutChannels}×{(StrideH > 0 && StrideW > 0 ? $"{OutHeight}×{OutWidth}" : "?×?")}, {KernelH}×{KernelW} stride {StrideH}" +
        (PadTop + PadLeft + PadBottom + PadRight > 0 ? $" pad [{PadTop},{PadLeft},{PadBottom},{PadRight}]" : "");
}
