using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Seco.Scenarios.Loading;

/// <summary>
/// Gets a scenario's (or a configuration file's) text safely before YAML sees it: the file is
/// read only up to the size limit (its length is checked first, and a device or FIFO that reports
/// no length is read at most one byte past the limit), decoded as strict UTF-8 (a BOM is
/// skipped), and refused with one positioned error if it holds a raw control character —
/// YamlDotNet would take a NUL for the end of the file and silently ignore the rest.
/// </summary>
internal static class ScenarioText
{
    /// <summary>The file's text, or null after reporting why it cannot be read as YAML text.</summary>
    public static string? ReadFile(string fullPath, LoadContext context, long maxBytes)
    {
        long length = new FileInfo(fullPath).Length;
        if (length > maxBytes)
        {
            context.Error(SourceLocation.None, "", TooLarge($"is {length:N0} bytes", maxBytes, context));
            return null;
        }
        byte[] bytes = ReadAtMost(fullPath, maxBytes + 1, length);
        if (bytes.Length > maxBytes)
        {
            // The length said otherwise: a device, a FIFO or a file that grew while being read.
            context.Error(SourceLocation.None, "", TooLarge($"is more than {maxBytes:N0} bytes", maxBytes, context));
            return null;
        }
        return Decode(bytes, context);
    }

    /// <summary>Refuses text over the size limit (counted in UTF-8 bytes, as a file would be).</summary>
    public static bool CheckSize(string text, LoadContext context, long maxBytes)
    {
        // A string of more than maxBytes characters is over the limit whatever its encoding.
        long bytes = text.Length > maxBytes ? text.Length : Encoding.UTF8.GetByteCount(text);
        if (bytes <= maxBytes)
            return true;
        context.Error(SourceLocation.None, "", TooLarge(text.Length > maxBytes ? $"is more than {maxBytes:N0} bytes" : $"is {bytes:N0} bytes", maxBytes, context));
        return false;
    }

    /// <summary>
    /// Reports the first character YAML does not allow raw (C0 controls other than tab, line feed
    /// and carriage return; DEL; C1 controls), at its line and column. True if there is none.
    /// </summary>
    public static bool CheckCharacters(string text, LoadContext context)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\t' or '\n' or '\r' || (c >= ' ' && c < '\u007f') || c > '\u009f')
                continue;
            string what = c == '\0'
                ? "a NUL character (\\0): this is not a text file"
                : $"a raw control character ({Printable.Escape(c.ToString())}); YAML allows only tab, line feed and carriage return (write others as escapes in a double-quoted string)";
            context.Error(Position(text, i), "", what);
            return false;
        }
        return true;
    }

    private static string TooLarge(string size, long maxBytes, LoadContext context) =>
        $"the file {size}; {context.Kind.Noun} files are limited to {ScenarioLimits.Bytes(maxBytes)}";

    private static byte[] ReadAtMost(string fullPath, long cap, long expected)
    {
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[(int)Math.Min(cap, Math.Max(expected + 1, 4096))];
        int total = 0;
        while (total < cap)
        {
            if (total == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(cap, (long)buffer.Length * 2));
            int read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
                break;
            total += read;
        }
        return buffer.AsSpan(0, total).ToArray();
    }

    private static string? Decode(byte[] bytes, LoadContext context)
    {
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            span = span[3..];
        else if (OtherEncoding(span) is { } encoding)
        {
            context.Error(new SourceLocation(1, 1), "", $"the file is {encoding} (it starts with a byte-order mark); {context.Kind.Noun} files are UTF-8");
            return null;
        }
        char[] chars = ArrayPool<char>.Shared.Rent(span.Length);
        try
        {
            OperationStatus status = Utf8.ToUtf16(span, chars, out int read, out int written, replaceInvalidSequences: false);
            var text = new string(chars, 0, written);
            if (status == OperationStatus.Done)
                return text;
            context.Error(Position(text, written), "", $"invalid UTF-8 (byte 0x{span[read]:x2}); {context.Kind.Noun} files are UTF-8 text");
            return null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static string? OtherEncoding(ReadOnlySpan<byte> b) =>
        b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]) ? "UTF-32"
        : b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? "UTF-16"
        : null;

    /// <summary>The 1-based line and column of <paramref name="text"/>[<paramref name="index"/>] (or of its end).</summary>
    public static SourceLocation Position(string text, int index)
    {
        ReadOnlySpan<char> before = text.AsSpan(0, Math.Min(index, text.Length));
        int line = before.Count('\n') + 1;
        int column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
        return new SourceLocation(line, column);
    }
}
