namespace Seco.Cluster;

/// <summary>Seco.Cluster: the real-time host of the SECO roles on Akka.Cluster (docs/cluster.md).</summary>
public static class ClusterInfo
{
    /// <summary>The Akka.NET version this host is built and tested against (../shared/cluster.md measured it).</summary>
    public const string AkkaVersion = "1.5.75";
}
