namespace Seco.Nn;

/// <summary>
/// A model file or model structure that Seco.Nn cannot use. The message is one line naming the
/// file, the node (and its op type) and the reason, so a user can act on it without a debugger.
/// </summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message) : base(message) { }

    public ModelFormatException(string message, Exception inner) : base(message, inner) { }
}
