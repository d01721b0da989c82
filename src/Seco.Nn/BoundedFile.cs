using System.Globalization;

namespace Seco.Nn;

/// <summary>
/// Reads a whole model or data file whose path may come from a hostile scenario: refused by its
/// length before it is opened when it is empty or over the limit, then read at most one byte past
/// the limit. A device or pipe (/dev/zero, /dev/tty, a FIFO) reports a length of 0 and is never
/// opened: reading one would not end, or would block, and no model or IDX file is empty.
/// </summary>
internal static class BoundedFile
{
    /// <param name="kind">"model", "IDX": names the limit in the message.</param>
    /// <param name="fail">Makes the exception to throw from a one-line message.</param>
    public static byte[] Read(string path, long maxBytes, string kind, Func<string, Exception> fail) =>
        Read(path, maxBytes, kind, (file, problem) => fail($"{file}: {problem}"));

    /// <param name="fail">Makes the exception to throw from the path and the problem (for exceptions that keep both).</param>
    public static byte[] Read(string path, long maxBytes, string kind, Func<string, string, Exception> fail)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw fail(path, EmptyReason);
        if (length > maxBytes)
            throw fail(path, $"{length.ToString("N0", CultureInfo.InvariantCulture)} bytes is larger than the " +
                             $"{maxBytes.ToString("N0", CultureInfo.InvariantCulture)}-byte limit for {kind} files");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[length + 1];
        int total = 0;
        for (int read; total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0;)
            total += read;
        if (total > length)
            throw fail(path, "the file grew while it was read");
        return total == buffer.Length ? buffer : buffer[..total];
    }

    /// <summary>Why a file of length 0 is refused (shared with the scenario loader's message).</summary>
    public const string EmptyReason = "the file is empty (a device or pipe, with no length, is not read)";
}
