namespace Seco.Scenarios.Sweeps;

/// <summary>What a sweep axis varies (docs/sweeps.md); each is one key of the sweep file's <c>grid</c>.</summary>
public enum AxisKind
{
    /// <summary><c>model</c>: the ONNX file (its fixed-point precision stays the base scenario's).</summary>
    Model,

    /// <summary><c>split</c>: layer blocks on the gateway; <c>all</c> means every valid split of each model.</summary>
    Split,

    /// <summary><c>tiers</c>: the depth, i.e. how many remote tiers.</summary>
    Tiers,

    /// <summary><c>servers_per_tier</c>: the width k of every tier, or one width per tier.</summary>
    ServersPerTier,

    /// <summary><c>network</c>: one profile for every link, or one per tier.</summary>
    Network,

    /// <summary><c>queries</c>: how many queries (inputs as in the base scenario).</summary>
    Queries,

    /// <summary><c>protocol</c>: SECO or a baseline (<see cref="InferenceProtocol"/>).</summary>
    Protocol,

    /// <summary><c>users</c>: user sessions at once (<c>load.users</c>).</summary>
    Users,

    /// <summary><c>rate_per_s</c>: an open loop's arrival rate λ (<c>load.rate_per_s</c>; the base scenario's load is an open loop).</summary>
    Rate,

    /// <summary><c>schedule</c>: sequential or pipelined queries (<c>load.schedule</c>).</summary>
    Schedule,

    /// <summary><c>pool</c>: queries each user keeps prepared ahead (<c>load.pool</c>).</summary>
    Pool,

    /// <summary><c>cores</c>: every server's cores for its data-parallel kernels (<c>parties.&lt;server&gt;.cores</c>; the user keeps its own).</summary>
    Cores,
}

/// <summary>The key of each axis in the sweep file, which is also its column in results.csv.</summary>
public static class AxisNames
{
    public static string Of(AxisKind kind) => kind switch
    {
        AxisKind.Model => "model",
        AxisKind.Split => "split",
        AxisKind.Tiers => "tiers",
        AxisKind.ServersPerTier => "servers_per_tier",
        AxisKind.Network => "network",
        AxisKind.Queries => "queries",
        AxisKind.Protocol => "protocol",
        AxisKind.Users => "users",
        AxisKind.Rate => "rate_per_s",
        AxisKind.Schedule => "schedule",
        AxisKind.Pool => "pool",
        AxisKind.Cores => "cores",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<AxisKind>().Select(Of)];

    public static AxisKind? Find(string name) =>
        Enum.GetValues<AxisKind>().Where(k => Of(k) == name).Select(k => (AxisKind?)k).FirstOrDefault();
}
