namespace Seco.Lattice.Parameters;

/// <summary>Thrown by <see cref="BfvContext.Create"/> when parameters fail validation.</summary>
/// <remarks>
/// Deliberately has no parameterless/message-only constructors: every instance must carry a meaningful
/// <see cref="Error"/>, which callers branch on.
/// </remarks>
public sealed class ParameterException : Exception
{
    /// <summary>Creates the exception with its typed reason and a message naming field, value and rule.</summary>
    public ParameterException(ParameterError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>The rule that was violated.</summary>
    public ParameterError Error { get; }
}
