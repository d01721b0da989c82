namespace Seco.Protocol.Messages;

// Setup (paper §VI-A-1 and the user keys of §VI-B): once per server set and user.

/// <summary>A → every server of a tier: the tier's public session seed the CRPs derive from (decision D3), and A's IKNP base-OT start towards the tier's garbler (empty towards the others).</summary>
public sealed record SetupBegin(byte[] SessionSeed, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>A tier's servers → A: the CKG share, one RTG share per Galois element of the tier (in <see cref="Model.SecoParameters.GaloisElementsOf"/> order), and the garbler's base-OT reply to A (empty from the others).</summary>
public sealed record ServerKeyShares(byte[] PublicKeyShare, byte[][] RotationKeyShares, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>
/// A → a tier's servers: the tier's collective public key cpk_t and rotation keys, and the next tier's cpk_{t+1}
/// (empty for the last tier), under which they encrypt their shares of the next tier's input mask (docs/hierarchy.md).
/// </summary>
public sealed record CollectiveKeys(byte[] PublicKey, byte[] GaloisKeys, byte[] NextTierPublicKey) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>IKNP base-OT setup between a tier's garbler (sender) and each other server of the tier (receiver): the receiver's start, then the garbler's reply.</summary>
public sealed record OtBase(byte[] Payload) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>Every server → A: keys received and OT set up; the server can serve queries.</summary>
public sealed record ServerReady() : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>User → A: the user's BFV public key pk0, its Galois keys for F_A's Lin-OPs (empty when l = 0), and its base-OT start.</summary>
public sealed record UserJoin(byte[] PublicKey, byte[] GaloisKeys, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>
/// A → the last tier's servers: user session <see cref="User"/>'s pk0, under which they encrypt the output shares of
/// that user's queries (paper §VI-D); once per user session (issue 22: many users share one server session).
/// </summary>
public sealed record UserPublicKey(int User, byte[] PublicKey) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>A → user: cpk (for the transition mask) and A's base-OT reply; the user may start queries.</summary>
public sealed record GatewayWelcome(byte[] CollectivePublicKey, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}
