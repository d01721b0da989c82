using System.Globalization;
using System.Text;

namespace Seco.Scenarios;

/// <summary>
/// Makes user-supplied text safe to print on a terminal. Scenario files, paths and command-line
/// arguments are quoted in messages; a raw ESC or BEL in them would let a hostile file retitle the
/// terminal or clear the screen (<c>ESC ] 0 ; … BEL</c>, <c>ESC [ 2 J</c>). Every C0/C1 control
/// character, DEL and the Unicode bidirectional overrides become visible escapes (<c>\e</c>,
/// <c>\a</c>, <c>\x7f</c>, <c>\u202e</c>); everything else is kept.
/// </summary>
public static class Printable
{
    /// <summary><paramref name="text"/> with every control character escaped; null becomes "".</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        if (!NeedsEscape(text)) return text;
        var sb = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (!IsUnsafe(c)) { sb.Append(c); continue; }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u001b' => "\\e",
                '\a' => "\\a",
                '\b' => "\\b",
                '\0' => "\\0",
                < '\u0100' => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }
        return sb.ToString();
    }

    /// <summary><see cref="Escape"/>, then cut to at most <paramref name="max"/> characters with "…".</summary>
    public static string Shorten(string? text, int max = 80)
    {
        string escaped = Escape(text);
        return escaped.Length <= max ? escaped : escaped[..(max - 1)] + "…";
    }

    /// <summary>
    /// The index of the first character <see cref="Escape"/> would change, other than those in
    /// <paramref name="allowed"/>; -1 if none. Lets a validator refuse such text where it must be
    /// printable (a scenario's name).
    /// </summary>
    public static int IndexOfUnsafe(string text, string allowed = "")
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
            if (IsUnsafe(text[i]) && !allowed.Contains(text[i]))
                return i;
        return -1;
    }

    private static bool NeedsEscape(string text)
    {
        foreach (char c in text)
            if (IsUnsafe(c)) return true;
        return false;
    }

    // C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals) and the bidi
    // embeddings/overrides/isolates that reorder what the reader sees.
    private static bool IsUnsafe(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';
}
