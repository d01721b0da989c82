namespace Seco.Cluster.Configuration;

/// <summary>
/// The gateway's user door (<c>door</c> in the gateway's node file): where it listens for users
/// (<paramref name="Host"/> may be a wildcard such as 0.0.0.0), the CA users' certificates must
/// chain to, and optionally the users it accepts, by name, each pinned. An empty
/// <paramref name="PinnedUsers"/> accepts any user whose certificate chains to the user CA.
/// </summary>
public sealed record DoorConfig(string Host, int Port, string UserCaFile, IReadOnlyDictionary<string, PeerPin> PinnedUsers);
