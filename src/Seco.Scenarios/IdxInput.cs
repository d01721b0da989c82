namespace Seco.Scenarios;

/// <summary>
/// Inputs read from an IDX images file (e.g. Fashion-MNIST's t10k-images), starting at image
/// <see cref="Offset"/>, with optional labels for an accuracy figure. Paths are absolute; the
/// loader has checked that the files exist, the runner checks their contents.
/// </summary>
public sealed record IdxInput : QueryInput
{
    public IdxInput(string imagesPath, string? labelsPath = null, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        if (!Path.IsPathFullyQualified(imagesPath))
            throw new ArgumentException($"images path '{imagesPath}' must be absolute", nameof(imagesPath));
        if (labelsPath is not null && !Path.IsPathFullyQualified(labelsPath))
            throw new ArgumentException($"labels path '{labelsPath}' must be absolute", nameof(labelsPath));
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ImagesPath = imagesPath;
        LabelsPath = labelsPath;
        Offset = offset;
    }

    public string ImagesPath { get; }

    public string? LabelsPath { get; }

    /// <summary>Index of the first image used (0-based).</summary>
    public int Offset { get; }
}
