namespace Seco.Garbling.Ot;

/// <summary>
/// A malformed or unexpected OT message from the peer: truncated or over-long, the wrong kind for this step, the
/// wrong number of OTs, an OT index that does not continue the stream (out of order or replayed), or a curve point
/// that is not a valid P-256 point. Every byte of an OT message comes from the network, so every field is checked.
/// </summary>
public sealed class OtProtocolException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public OtProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the decoder's own error.</summary>
    public OtProtocolException(string message, Exception inner) : base(message, inner) { }
}
