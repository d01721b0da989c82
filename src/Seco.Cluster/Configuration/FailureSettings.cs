namespace Seco.Cluster.Configuration;

/// <summary>
/// How a server notices and handles failures (<c>failure</c>; docs/cluster.md, "Node
/// configuration", gives the bounds): Akka's failure detector (heartbeat interval and the pause
/// it accepts), the split-brain resolver's keep-majority <c>stable-after</c>, how long a party
/// may stay unreachable before its in-flight queries fail, and a deadline per query.
/// </summary>
public sealed record FailureSettings(
    TimeSpan HeartbeatInterval,
    TimeSpan AcceptableHeartbeatPause,
    TimeSpan StableAfter,
    TimeSpan UnreachableGrace,
    TimeSpan QueryDeadline)
{
    /// <summary>1s, 3s (a LAN; 10s suits a WAN), 7s, 5s, 10m.</summary>
    public static FailureSettings Default { get; } = new(
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));
}
