namespace Seco.Cluster.Configuration;

/// <summary>
/// One server of the deployment (an entry of <c>servers</c>): its name, role, the address it
/// listens at and peers reach it at (<paramref name="Host"/>: an IP address or a DNS name, never
/// a wildcard), and the pin of its certificate.
/// </summary>
/// <remarks><see cref="BulkPort"/>: where its bulk lane listens (docs/cluster.md, "Bulk lane"); <c>bulk_port</c> in the
/// file, <see cref="BulkPortOffset"/> above <paramref name="Port"/> when left out.</remarks>
public sealed record ServerEntry(string Name, ServerRole Role, string Host, int Port, PeerPin Pin)
{
    public const int BulkPortOffset = 100;

    public int BulkPort { get; init; } = Port + BulkPortOffset;
}
