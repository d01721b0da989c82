namespace Seco.Cluster.Security;

/// <summary>
/// A request the development certificate tool refuses: a bad party, user or host name, or an output file that exists.
/// The message is one line meant for the person who typed the request.
/// </summary>
public sealed class DevCertificateException(string message) : Exception(message);
