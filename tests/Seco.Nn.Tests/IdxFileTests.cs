using System.IO.Compression;
using Seco.Nn.Data;
using Xunit;

namespace Seco.Nn.Tests;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Images(int count, int rows, int cols, Func<int, byte>? pixel = null)
    {
        var data = new List<byte> { 0, 0, 8, 3 };
        foreach (int d in new[] { count, rows, cols }) data.AddRange(BitConverter.GetBytes(d).Reverse());
        for (int i = 0; i < count * rows * cols; i++) data.Add(pixel?.Invoke(i) ?? (byte)i);
        return data.ToArray();
    }

    private static byte[] Labels(params byte[] labels)
    {
        var data = new List<byte> { 0, 0, 8, 1 };
        data.AddRange(BitConverter.GetBytes(labels.Length).Reverse());
        data.AddRange(labels);
        return data.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsImagesAndFindsTheLabelsBesideThem()
    {
        string images = Write("set-images-idx3-ubyte", Images(3, 2, 2));
        Write("set-labels-idx1-ubyte", Labels(7, 0, 9));
        ImageSet set = IdxFile.Load(images);
        Assert.Equal(3, set.Count);
        Assert.Equal(4, set.PixelsPerImage);
        Assert.Equal(new byte[] { 4, 5, 6, 7 }, set.Pixels(1).ToArray());
        Assert.Equal(9, set.Label(2));
        Assert.Equal(new[] { 4 / 255.0, 5 / 255.0, 6 / 255.0, 7 / 255.0 }, set.Input(1));
    }

    [Fact]
    public void ReadsGzipCompressedFiles()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Images(2, 3, 3));
        ImageSet set = IdxFile.Load(Write("x.gz", ms.ToArray()));
        Assert.Equal(2, set.Count);
        Assert.False(set.HasLabels);
    }

    [Fact]
    public void RejectsMalformedFilesWithTheReason()
    {
        string wrongMagic = Write("a", Labels(1, 2));
        Assert.Contains("IDX magic 0x00000801, expected 0x00000803", Assert.Throws<InvalidDataException>(() => IdxFile.Load(wrongMagic)).Message);
        byte[] images = Images(2, 2, 2);
        string truncated = Write("b", images[..^1]);
        Assert.Contains("header promises 8 data bytes (2×2×2) but the file holds 7", Assert.Throws<InvalidDataException>(() => IdxFile.Load(truncated)).Message);
        string tiny = Write("c", [0, 0, 8]);
        Assert.Contains("too short for an IDX header", Assert.Throws<InvalidDataException>(() => IdxFile.Load(tiny)).Message);
        string labels = Write("d", Labels(1));
        Assert.Contains("1 label for 2 images", Assert.Throws<InvalidDataException>(() => IdxFile.Load(Write("e", images), labels)).Message);
        // A labels file that is not one: the expected rank is said in the singular.
        Assert.Contains("(unsigned bytes, 1 dimension)", Assert.Throws<InvalidDataException>(() => IdxFile.Load(Write("f", images), Write("g", images))).Message);
        string badLabel = Write("f", Labels(1, 12));
        Assert.Contains("label 12 is outside 0..9", Assert.Throws<InvalidDataException>(() => IdxFile.Load(Write("g", images), badLabel)).Message);
        Assert.Throws<FileNotFoundException>(() => IdxFile.Load(Path.Combine(_dir, "missing")));
    }

    /// <summary>
    /// IdxFile read the whole file before checking anything: a file of 2 GB or more threw an
    /// IOException (an internal error in `seco validate`), and /dev/zero was read until memory ran
    /// out. Files are now refused by their length first, and read at most one byte past the limit.
    /// </summary>
    [Fact]
    public void A_file_larger_than_the_limit_is_refused_by_its_length_before_it_is_read()
    {
        string huge = Path.Combine(_dir, "huge-images-idx3-ubyte");
        using (var f = File.Create(huge)) f.SetLength(3L << 30); // sparse: takes no space
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Load(huge));
        Assert.Equal($"{huge}: 3,221,225,472 bytes is larger than the 268,435,456-byte limit for IDX files", e.Message);
    }

    [SkippableFact]
    public void An_endless_device_is_refused_without_being_read()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Load("/dev/zero"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
        Assert.Equal("/dev/zero: the file is empty (a device or pipe, with no length, is not read)", e.Message);
    }

    [Fact]
    public void A_3x32x32_model_gets_the_28x28_image_padded_and_copied_to_three_channels()
    {
        byte[] pixels = [.. Enumerable.Range(0, 2 * 28 * 28).Select(i => (byte)(i % 251))];
        var set = new ImageSet(2, 28, 28, pixels, null);
        var shape = new Seco.Nn.Layers.Shape(3, 32, 32);
        Assert.True(set.Fits(shape));
        Assert.True(set.Fits(new Seco.Nn.Layers.Shape(1, 28, 28)));
        Assert.False(set.Fits(new Seco.Nn.Layers.Shape(3, 28, 28)));
        double[] x = set.InputFor(1, shape);
        Assert.Equal(3 * 32 * 32, x.Length);
        for (int ch = 0; ch < 3; ch++)
            for (int r = 0; r < 32; r++)
                for (int c = 0; c < 32; c++)
                {
                    bool inside = r >= 2 && r < 30 && c >= 2 && c < 30;
                    double expected = inside ? pixels[784 + ((r - 2) * 28) + c - 2] / 255.0 : 0.0;
                    Assert.Equal(expected, x[(ch * 1024) + (r * 32) + c]);
                }
        Assert.Throws<ArgumentException>(() => set.InputFor(0, new Seco.Nn.Layers.Shape(3, 28, 28)));
    }
}
