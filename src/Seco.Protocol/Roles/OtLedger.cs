using Seco.Protocol.Messages;

namespace Seco.Protocol.Roles;

/// <summary>
/// An OT sender's record of the batches it has served (user ← A, A ← B, C ← B; decision D12). Each
/// (query, purpose, block) is served exactly once: a receiver that got a second batch for the same wires with other
/// choice bits would hold both labels of a wire, W⁰ and W⁰ ⊕ Δ, and so learn the garbler's Δ — every label of the
/// circuit, hence every value inside it.
/// </summary>
internal sealed class OtLedger
{
    private readonly HashSet<(int Query, OtPurpose Purpose, int Block)> _served = [];

    /// <summary>
    /// Records the request as served; throws if that batch was served before. Every batch names its block — the user's
    /// labels from A (issue 21), A's and the tier servers' mask labels (issue 20) offline, the shares online — and the
    /// caller checks it is one the garbler garbles (and, offline, the next in block order), so a receiver cannot renumber
    /// a request to be served the same wires again with other choice bits (issue 18's review).
    /// </summary>
    public void Claim(OtRequest request)
    {
        if (!_served.Add((request.Query, request.Purpose, request.Block)))
            throw new ProtocolViolationException(
                $"a second OT request for query {request.Query}, purpose {request.Purpose}, block {request.Block}: each batch is served once (both labels of a wire reveal Δ)");
    }

    /// <summary>True if that batch was served.</summary>
    public bool WasServed(OtRequest request) => _served.Contains((request.Query, request.Purpose, request.Block));

    /// <summary>Drops a finished query's records (its later requests are refused as unknown-query anyway).</summary>
    public void Forget(int query) => _served.RemoveWhere(k => k.Query == query);
}
