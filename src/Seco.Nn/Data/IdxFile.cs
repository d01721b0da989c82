using System.Buffers.Binary;
using System.IO.Compression;

namespace Seco.Nn.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (optionally gzip-compressed): a big-endian
/// magic 0x0000_08_0D (unsigned bytes, D dimensions), D big-endian 32-bit sizes, then the data.
/// Every size is checked against the actual file length before anything is allocated from it.
/// </summary>
public static class IdxFile
{
    private const int MaxBytes = 256 * 1024 * 1024;

    /// <summary>
    /// Loads images (magic 0x00000803) and, when given or found beside them, labels (0x00000801).
    /// Without an explicit labels path, "images-idx3" in the file name is replaced by "labels-idx1".
    /// </summary>
    public static ImageSet Load(string imagesPath, string? labelsPath = null)
    {
        byte[] images = ReadAll(imagesPath);
        int[] dims = Header(images, imagesPath, expectedRank: 3);
        byte[] pixels = images.AsSpan(4 + 4 * 3).ToArray();
        labelsPath ??= GuessLabels(imagesPath);
        byte[]? labels = null;
        if (labelsPath is not null)
        {
            byte[] raw = ReadAll(labelsPath);
            int[] ldims = Header(raw, labelsPath, expectedRank: 1);
            if (ldims[0] != dims[0])
                throw new InvalidDataException($"{labelsPath}: {ldims[0]} {(ldims[0] == 1 ? "label" : "labels")} for {dims[0]} {(dims[0] == 1 ? "image" : "images")} in {imagesPath}");
            labels = raw.AsSpan(8).ToArray();
            foreach (byte l in labels)
                if (l > 9) throw new InvalidDataException($"{labelsPath}: label {l} is outside 0..9");
        }
        return new ImageSet(dims[0], dims[1], dims[2], pixels, labels);
    }

    private static string? GuessLabels(string imagesPath)
    {
        string name = Path.GetFileName(imagesPath);
        if (!name.Contains("images-idx3", StringComparison.Ordinal)) return null;
        string guess = Path.Combine(Path.GetDirectoryName(imagesPath) ?? ".", name.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal));
        return File.Exists(guess) ? guess : null;
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        byte[] data = BoundedFile.Read(path, MaxBytes, "IDX", message => new InvalidDataException(message));
        if (data.Length >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        {
            using var gz = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = gz.Read(buffer)) > 0)
            {
                if (output.Length + n > MaxBytes) throw new InvalidDataException($"{path}: decompresses to more than {MaxBytes} bytes");
                output.Write(buffer, 0, n);
            }
            data = output.ToArray();
        }
        return data;
    }

    private static int[] Header(byte[] data, string path, int expectedRank)
    {
        if (data.Length < 4)
            throw new InvalidDataException($"{path}: {data.Length} bytes is too short for an IDX header");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint expected = 0x0800u | (uint)expectedRank;
        if (magic != expected)
            throw new InvalidDataException($"{path}: IDX magic 0x{magic:x8}, expected 0x{expected:x8} (unsigned bytes, {expectedRank} {(expectedRank == 1 ? "dimension" : "dimensions")})");
        if (data.Length < 4 + 4 * expectedRank)
            throw new InvalidDataException($"{path}: {data.Length} bytes is too short for an IDX header");
        var dims = new int[expectedRank];
        long total = 1;
        for (int i = 0; i < expectedRank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4 + 4 * i));
            if (d == 0 || d > int.MaxValue) throw new InvalidDataException($"{path}: dimension {i} is {d}");
            dims[i] = (int)d;
            total *= d;
        }
        long payload = data.Length - 4 - 4 * expectedRank;
        if (payload != total)
            throw new InvalidDataException($"{path}: header promises {total} data bytes ({string.Join("×", dims)}) but the file holds {payload}");
        return dims;
    }
}
