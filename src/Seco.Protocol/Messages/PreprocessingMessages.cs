namespace Seco.Protocol.Messages;

// Per-query preprocessing (paper §VI-A-2 and §VI-B, Algs. 8, 12–14 and 16). Block numbers are the paper's layer indices i (1-based).

/// <summary>What an OT batch carries labels for (paper §III-B-3; decision D12).</summary>
public enum OtPurpose
{
    /// <summary>A ← a tier's garbler, offline: A's E¹ and next-mask labels for every ReLU block of the tier.</summary>
    ProviderLabels = 1,

    /// <summary>A tier's evaluator or provider ← its garbler, offline: its next-mask labels for every ReLU block of the tier.</summary>
    EvaluatorMasks = 2,

    /// <summary>A tier's evaluator or provider ← its garbler, online: the labels of its share E^j of one block.</summary>
    EvaluatorShare = 3,

    /// <summary>User ← A, offline: the user's labels (F r − s and its next mask) for every F_A ReLU block.</summary>
    UserLabels = 4,
}

/// <summary>One layer's garbled ReLU circuit batch: tables in chunks, the output decoding, and the garbler's own input labels (one InputLabels blob per group).</summary>
public sealed record GarbledLayer(int Block, byte[][] Chunks, byte[] Decoding, byte[][] GarblerLabels);

/// <summary>
/// User → A: Enc_pk0(r_i) for the F_A blocks i = 1..l (paper Alg. 12), and the transition mask r_{l+1} under cpk as two
/// ciphertexts (row 0 and row 1 of the Lin-OP packing; A rotates row 1 so the user never learns F_BC's shape).
/// </summary>
public sealed record UserPreprocessing(int Query, byte[][] MaskCiphertexts, byte[][] TransitionMask) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.UserPreprocessing;
}

/// <summary>
/// A → user: Enc_pk0(F_i r_i − s_i), mod-switched and flooded (D2) (paper Alg. 14). A's garbled F_A ReLU circuits
/// follow, one <see cref="GarbledCircuits"/> per layer in block order (issue 20: two ResNet layers are 360 MB).
/// </summary>
public sealed record GatewayPreprocessing(int Query, byte[][] ShareCiphertexts) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.UserPreprocessing;
}

/// <summary>
/// A → the last tier's servers, when A gives server query <see cref="QueryMessage.Query"/> to user session
/// <see cref="User"/>: the key (<see cref="UserPublicKey"/>) its output shares go out under. The servers learn which
/// queries share a user, nothing else about it (docs/protocol-decisions.md, D25).
/// </summary>
public sealed record QueryOwner(int Query, int User) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.UserPreprocessing;
}

/// <summary>A → every remote server: start preparing F_BC for this query.</summary>
public sealed record PreparationBegin(int Query) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>
/// A tier's servers → A: Enc(r_i^j) for the tier's blocks after its first (under the tier's cpk) and, but for the last
/// tier, the share of the next tier's input mask (under the next tier's cpk) (paper Alg. 8; docs/hierarchy.md).
/// </summary>
public sealed record MaskShares(int Query, byte[][] Ciphertexts) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>A → a tier's servers: Enc_cpk(r_i) for the tier's blocks (its input mask first — the user's for tier 1 — then r¹ + Σ_j r^j).</summary>
public sealed record MaskAggregate(int Query, byte[][] Ciphertexts) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>
/// A tier's servers → A and to each other: Enc_cpk(F_i^j r_i − s_i^j ⊕ pad) for the tier's blocks (decision D1: plaintext
/// weight shares). Each server decrypts only ct_E = ModSwitch(Σ_j ct^j) of these (paper Alg. 7, tied to the query and block).
/// </summary>
public sealed record LinearShares(int Query, byte[][] Ciphertexts) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>
/// A tier's server → every other server of its tier, before any product leaves it: SHA-256 of its
/// <see cref="LinearShares"/> (<see cref="Crypto.ProductCommitments"/>). A server reveals its products only once it holds
/// every peer's commitment, so no product can be chosen after seeing another — else a rushing peer (with A, who sees
/// every mask share) could make the honest servers decrypt a ciphertext of its choice (issue 18's review).
/// </summary>
public sealed record ProductCommitment(int Query, byte[] Digest) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>A tier's servers → A: smudged partial decryptions of each ct_E = ModSwitch(Σ_j ct^j) of the tier's blocks (paper Alg. 5).</summary>
public sealed record DecryptionShares(int Query, byte[][] Shares) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>
/// A tier's evaluator → its garbler: send the garbled circuit of ReLU block <see cref="Block"/> (issue 20). The evaluator
/// pulls the tier's layers one at a time, in order, asking for the next once it has stored the last: a layer's tables
/// (≈ 180 MB for a ResNet layer) are garbled, sent and stored one at a time, never a whole segment at once.
/// </summary>
public sealed record CircuitRequest(int Query, int Block) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>
/// One garbled ReLU layer per message: a tier's garbler → its evaluator, the block it asked for (<see cref="CircuitRequest"/>)
/// with the garbler's next-mask labels (paper Alg. 16); A → the user, each F_A layer in order after
/// <see cref="GatewayPreprocessing"/> (paper Alg. 14).
/// </summary>
public sealed record GarbledCircuits(int Query, GarbledLayer[] Layers) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>
/// A → a tier's evaluator: A's input labels of one ReLU block, <see cref="Block"/> (E¹ and its next-mask share, two
/// groups), obtained from the tier's garbler by OT — one message per block in block order (issue 20); or a provider
/// server → the evaluator: its next-mask labels (one group per ReLU block), all at once as block 0. The block is checked
/// against the one the evaluator expects: two blocks of one shape would otherwise be taken for each other.
/// </summary>
public sealed record ProviderLabels(int Query, int Block, byte[][] Labels) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>A tier's evaluator → A: it holds every circuit and label it needs offline.</summary>
public sealed record EvaluatorReady(int Query) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>A → user: F_BC is prepared; the user may send its masked input.</summary>
public sealed record QueryReady(int Query) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.ServerPreprocessing;
}

/// <summary>OT receiver → sender: the IKNP extension matrix for a chosen-message batch.</summary>
public sealed record OtRequest(int Query, OtPurpose Purpose, int Block, byte[] Matrix) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => OtPurposes.PhaseOf(Purpose);
}

/// <summary>OT sender → receiver: the masked label pairs.</summary>
public sealed record OtResponse(int Query, OtPurpose Purpose, int Block, byte[] Payload) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => OtPurposes.PhaseOf(Purpose);
}

public static class OtPurposes
{
    public static ProtocolPhase PhaseOf(OtPurpose purpose) => purpose switch
    {
        OtPurpose.ProviderLabels or OtPurpose.EvaluatorMasks => ProtocolPhase.ServerPreprocessing,
        OtPurpose.UserLabels => ProtocolPhase.UserPreprocessing,
        OtPurpose.EvaluatorShare => ProtocolPhase.Online,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), $"unknown OT purpose {(int)purpose}"),
    };
}
