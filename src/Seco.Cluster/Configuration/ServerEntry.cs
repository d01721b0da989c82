using Seco.Protocol.Roles;

namespace Seco.Cluster.Configuration;

/// <summary>
/// One server of the deployment (an entry of <c>servers</c>): its name, its role (the gateway, or a server's position
/// in the hierarchy: <c>t{tier}s{index}</c> in the file, <c>garbler</c> and <c>evaluator</c> naming t1s0 and t1s1), the address it
/// listens at and peers reach it at (<paramref name="Host"/>: an IP address or a DNS name, never
/// a wildcard), and the pin of its certificate.
/// </summary>
/// <remarks><see cref="BulkPort"/>: where its bulk lane listens (docs/cluster.md, "Bulk lane"); <c>bulk_port</c> in the
/// file, <see cref="BulkPortOffset"/> above <paramref name="Port"/> when left out.</remarks>
public sealed record ServerEntry(string Name, Party Role, string Host, int Port, PeerPin Pin)
{
    public const int BulkPortOffset = 100;

    public int BulkPort { get; init; } = Port + BulkPortOffset;
}
