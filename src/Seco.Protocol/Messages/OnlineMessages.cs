namespace Seco.Protocol.Messages;

// Online (paper §VI-C, Algs. 15 and 10) and output (paper §VI-D).

/// <summary>
/// x_i − r_i: user → A (i = 1); A → tier 1's servers (transition, i = l+1); a tier's evaluator → the tier's other
/// servers (inside its segment) or → every server of the next tier (the tier boundary). Uniform over Z_p.
/// </summary>
public sealed record MaskedActivation(int Query, int Block, ulong[] Values) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.Online;
}

/// <summary>The garbler's labels for its online input: A → user (F(x − r) + s), a tier's garbler → its evaluator (its share E).</summary>
public sealed record GarblerInput(int Query, int Block, byte[] Labels) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.Online;
}

/// <summary>
/// A provider server (index ≥ 2 of a tier) → the tier's evaluator: the labels of its online share E^j of one block,
/// obtained from the garbler by OT (docs/hierarchy.md; the k-server form of paper Alg. 10).
/// </summary>
public sealed record ProviderInput(int Query, int Block, byte[] Labels) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.Online;
}

/// <summary>User → A: z = x_{i+1} − r_{i+1} − d_{i+1}, the decoded output of A's circuit for block i (paper Alg. 15).</summary>
public sealed record GatewayCircuitOutput(int Query, int Block, ulong[] Values) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.Online;
}

/// <summary>A → user when l = L: A's share F_L(x_L − r_L) + s_L + b_L of the logits (DELPHI output).</summary>
public sealed record OutputShare(int Query, ulong[] Values) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.Output;
}

/// <summary>The last tier's servers → A: Enc_pk0(E_L^j); A → user: their sum plus E_L¹, re-randomised (paper §VI-D; D17).</summary>
public sealed record OutputCiphertext(int Query, byte[] Ciphertext) : QueryMessage(Query)
{
    public override ProtocolPhase Phase => ProtocolPhase.Output;
}
