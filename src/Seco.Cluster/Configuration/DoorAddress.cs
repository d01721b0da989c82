namespace Seco.Cluster.Configuration;

/// <summary>
/// Where a user reaches the gateway's door (<c>door</c> in a user file): its address, the name
/// the gateway's certificate must hold (checked against the certificate's subject alternative
/// names; <c>host</c> when not given) and the pin of that certificate.
/// </summary>
public sealed record DoorAddress(string Host, int Port, string ServerName, PeerPin Gateway);
