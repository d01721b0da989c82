namespace Seco.Protocol.Messages;

// Setup (paper §VI-A-1 and the user keys of §VI-B): once per server set and user.

/// <summary>A → B, C: the public session seed the CRPs derive from (decision D3), and A's IKNP base-OT start towards B (empty towards C).</summary>
public sealed record SetupBegin(byte[] SessionSeed, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>B, C → A: the CKG share, one RTG share per Galois element (in <see cref="SecoParameters.GaloisElements"/> order), and B's base-OT reply to A (empty from C).</summary>
public sealed record ServerKeyShares(byte[] PublicKeyShare, byte[][] RotationKeyShares, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>A → B, C: the collective public key cpk and the collective rotation keys.</summary>
public sealed record CollectiveKeys(byte[] PublicKey, byte[] GaloisKeys) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>IKNP base-OT setup between B (sender) and C (receiver): C's start, then B's reply.</summary>
public sealed record OtBase(byte[] Payload) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>B, C → A: keys received and OT set up; the server can serve queries.</summary>
public sealed record ServerReady() : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>User → A: the user's BFV public key pk0, its Galois keys for F_A's Lin-OPs (empty when l = 0), and its base-OT start.</summary>
public sealed record UserJoin(byte[] PublicKey, byte[] GaloisKeys, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>A → B, C: pk0, under which B and C encrypt their output shares (paper §VI-D).</summary>
public sealed record UserPublicKey(byte[] PublicKey) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}

/// <summary>A → user: cpk (for the transition mask) and A's base-OT reply; the user may start queries.</summary>
public sealed record GatewayWelcome(byte[] CollectivePublicKey, byte[] OtBase) : SecoMessage
{
    public override ProtocolPhase Phase => ProtocolPhase.Setup;
}
