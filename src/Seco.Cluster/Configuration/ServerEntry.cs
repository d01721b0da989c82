namespace Seco.Cluster.Configuration;

/// <summary>
/// One server of the deployment (an entry of <c>servers</c>): its name, role, the address it
/// listens at and peers reach it at (<paramref name="Host"/>: an IP address or a DNS name, never
/// a wildcard), and the pin of its certificate.
/// </summary>
public sealed record ServerEntry(string Name, ServerRole Role, string Host, int Port, PeerPin Pin);
