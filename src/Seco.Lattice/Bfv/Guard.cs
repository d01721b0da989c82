using Seco.Lattice.Parameters;

namespace Seco.Lattice.Bfv;

/// <summary>Argument checks shared by the BFV classes, with messages that name the offending operand.</summary>
internal static class Guard
{
    public static void SameContext(BfvContext expected, BfvContext actual, string what)
    {
        if (!ReferenceEquals(expected, actual) && !expected.ParameterHash.AsSpan().SequenceEqual(actual.ParameterHash.AsSpan()))
        {
            throw new ArgumentException(
                $"The {what} belongs to parameter set {actual.ParameterHashHex[..16]}…, not {expected.ParameterHashHex[..16]}….");
        }
    }

    /// <summary>Throws unless every coefficient is below t.</summary>
    public static void PlainCoefficients(ReadOnlySpan<ulong> coefficients, ulong t)
    {
        for (int i = 0; i < coefficients.Length; i++)
        {
            if (coefficients[i] >= t)
            {
                throw new ArgumentException($"Plaintext coefficient {i} is {coefficients[i]}, not below t = {t}.");
            }
        }
    }
}
