namespace Seco.Cluster.Configuration;

/// <summary>
/// The gateway's user door (<c>door</c> in the gateway's node file): where it listens for users
/// (<paramref name="Host"/> may be a wildcard such as 0.0.0.0), the CA users' certificates must
/// chain to, and the users it admits, by name, each pinned (at least one).
/// </summary>
public sealed record DoorConfig(string Host, int Port, string UserCaFile, IReadOnlyDictionary<string, PeerPin> PinnedUsers)
{
    /// <summary>The most users in session at once when <c>max_users</c> is not given.</summary>
    public const int DefaultMaxUsers = 64;

    /// <summary>
    /// <c>max_users</c>: the most users in session at once (1 to 4096; default 64). Each holds its keys and OT state at
    /// the gateway, and one more is turned away with a reason until one leaves.
    /// </summary>
    public int MaxUsers { get; init; } = DefaultMaxUsers;
}
