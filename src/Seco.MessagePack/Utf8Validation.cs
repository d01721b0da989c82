using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Seco.MessagePack;

/// <summary>Strict UTF-8 checks shared by the reader and writer.</summary>
internal static class Utf8Validation
{
    /// <summary>
    /// Index of the first byte of the first ill-formed sequence, or -1 when <paramref name="utf8"/> is well-formed
    /// per Unicode (rejects overlong forms, UTF-16 surrogates, code points above U+10FFFF and truncated sequences).
    /// </summary>
    public static int IndexOfInvalid(ReadOnlySpan<byte> utf8)
    {
        // Fast vectorized check first; the rune-by-rune scan only runs on the error path to locate the byte.
        if (Utf8.IsValid(utf8))
        {
            return -1;
        }
        int index = 0;
        while (index < utf8.Length)
        {
            if (Rune.DecodeFromUtf8(utf8.Slice(index), out _, out int consumed) != OperationStatus.Done)
            {
                return index;
            }
            index += consumed;
        }
        return -1;
    }
}
