namespace Seco.Garbling.Circuits;

/// <summary>
/// A bit while a circuit is being built: either a wire or a public constant. Gadgets compute on constants for free
/// (adding the public modulus p, comparing with p/2), so the builder folds them away instead of spending gates.
/// </summary>
public readonly struct Bit : IEquatable<Bit>
{
    private const int ZeroCode = -1, OneCode = -2;
    private readonly int _code; // ≥ 0: wire index; −1: constant 0; −2: constant 1. default(Bit) is wire 0, so the
                                // constants are the only way to get a non-wire and 'default' is never a valid constant.

    private Bit(int code) => _code = code;

    /// <summary>The constant 0.</summary>
    public static Bit Zero => new(ZeroCode);

    /// <summary>The constant 1.</summary>
    public static Bit One => new(OneCode);

    /// <summary>The constant <paramref name="value"/>.</summary>
    public static Bit Constant(bool value) => value ? One : Zero;

    internal static Bit FromWire(int wire) => wire >= 0 ? new(wire) : throw new ArgumentOutOfRangeException(nameof(wire));

    /// <summary>True for constants.</summary>
    public bool IsConstant => _code < 0;

    /// <summary>The constant's value (only for constants).</summary>
    public bool Value => IsConstant ? _code == OneCode : throw new InvalidOperationException($"wire {_code} is not a constant");

    /// <summary>The wire index (only for wires).</summary>
    public int Wire => _code >= 0 ? _code : throw new InvalidOperationException("a constant has no wire");

    /// <inheritdoc />
    public bool Equals(Bit other) => _code == other._code;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Bit b && Equals(b);

    /// <inheritdoc />
    public override int GetHashCode() => _code;

    /// <summary>Equality.</summary>
    public static bool operator ==(Bit a, Bit b) => a.Equals(b);

    /// <summary>Inequality.</summary>
    public static bool operator !=(Bit a, Bit b) => !a.Equals(b);

    /// <inheritdoc />
    public override string ToString() => _code switch { ZeroCode => "0", OneCode => "1", _ => $"w{_code}" };
}
