namespace Seco.Cluster.Tests.Security;

/// <summary>A clock stopped at one instant: certificates checked in the future or the past without waiting.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
