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
    /// Records the request as served; throws if that batch was served before. An offline batch that covers every block
    /// at once (the user's labels from A) must be numbered 0: were the number free, a receiver could renumber its
    /// request and be served the same wires again with other choice bits (found by issue 18's review). An online batch,
    /// and the per-block offline batches of A's labels and the tier servers' mask labels (issue 20), name their block,
    /// which the caller checks is one the garbler garbles.
    /// </summary>
    public void Claim(OtRequest request)
    {
        if (request.Purpose is not (OtPurpose.EvaluatorShare or OtPurpose.ProviderLabels or OtPurpose.EvaluatorMasks) && request.Block != 0)
            throw new ProtocolViolationException(
                $"an OT request for query {request.Query}, purpose {request.Purpose}, names block {request.Block}: that batch covers every block and is numbered 0");
        if (!_served.Add((request.Query, request.Purpose, request.Block)))
            throw new ProtocolViolationException(
                $"a second OT request for query {request.Query}, purpose {request.Purpose}, block {request.Block}: each batch is served once (both labels of a wire reveal Δ)");
    }

    /// <summary>Drops a finished query's records (its later requests are refused as unknown-query anyway).</summary>
    public void Forget(int query) => _served.RemoveWhere(k => k.Query == query);
}
