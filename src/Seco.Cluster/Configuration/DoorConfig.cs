namespace Seco.Cluster.Configuration;

/// <summary>
/// The gateway's user door (<c>door</c> in the gateway's node file): where it listens for users
/// (<paramref name="Host"/> may be a wildcard such as 0.0.0.0), the CA users' certificates must
/// chain to, and the users it admits, by name, each pinned (at least one).
/// </summary>
public sealed record DoorConfig(string Host, int Port, string UserCaFile, IReadOnlyDictionary<string, PeerPin> PinnedUsers);
