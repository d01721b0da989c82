using System.Globalization;

namespace Seco.MessagePack;

// Integers whose valid range the caller knows (ids, indices, enum members, counts). Every codec field of that kind
// used to repeat "remember the offset, read, compare, throw"; here it is one call, and the error always names the
// field, the value found and the range, at the value's offset.
public ref partial struct MessagePackReader
{
    /// <summary>
    /// Reads an integer (any integer format) that must lie in <paramref name="min"/>..<paramref name="max"/>,
    /// inclusive. Throws <see cref="MessagePackException"/> at the value's offset, naming <paramref name="field"/>:
    /// "{field} {value} is out of range {min}..{max}" (also for values beyond <see cref="long"/>), or "expected
    /// {field} (an integer in {min}..{max}), found {what}" for another type or the end of data. Consumes nothing when
    /// it throws.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="min"/> is greater than <paramref name="max"/>.</exception>
    public long ReadInt64InRange(long min, long max, string field)
    {
        if (min > max)
        {
            throw new ArgumentException($"empty range {min}..{max} for {field}", nameof(min));
        }
        if (End)
        {
            ThrowEndOfData(IntegerIn(field, min, max), _position);
        }
        // throwOnMismatch: false, so the wrong-type error below can name the field; truncation still throws.
        if (!TryDecodeInteger("Integer", throwOnMismatch: false, out long signed, out ulong unsigned, out bool isUnsigned, out int length))
        {
            ThrowWrongType(IntegerIn(field, min, max), _position, _buffer[_position]);
        }
        bool fits = isUnsigned
            ? unsigned <= long.MaxValue && (long)unsigned >= min && (long)unsigned <= max
            : signed >= min && signed <= max;
        if (!fits)
        {
            ThrowNotInRange(field, _position, FormatInteger(signed, unsigned, isUnsigned), min, max);
        }
        _position += length;
        OnValueRead();
        return isUnsigned ? (long)unsigned : signed;
    }

    /// <summary>As <see cref="ReadInt64InRange"/>, for a range within <see cref="int"/>.</summary>
    public int ReadInt32InRange(int min, int max, string field) => (int)ReadInt64InRange(min, max, field);

    private static string IntegerIn(string field, long min, long max) =>
        string.Create(CultureInfo.InvariantCulture, $"{field} (an integer in {min}..{max})");
}
