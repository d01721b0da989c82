using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>One real point (the MLP at split 2, one query): its measures are what the simulation report says, and add up.</summary>
public sealed class PointMeasurementTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AFinishedPointsMeasuresAreConsistentWithEachOther()
    {
        SweepPlan plan = SweepPlan.Build(_folder.Load("version: 1\nbase: base.yaml\ngrid:\n  split: [2]\n"));
        SweepRow row = Assert.Single(SweepRunner.Run(plan).Rows);
        Assert.True(row.Status == PointStatus.Ok, $"the point is {row.Status}: {row.Error}");
        Assert.True(row.BitExact);
        double V(string column) => row.Value(column) ?? throw new Xunit.Sdk.XunitException($"{column} was not measured");
        string[] parties = ["user", "A", "B", "C"];
        Assert.Equal(1, V("queries_bit_exact"));
        // Every byte sent is received once (no link failed), and the totals are the parties' sums.
        Assert.Equal(V(SweepMeasures.TotalBytesSent), parties.Sum(p => V($"{p}.bytes_sent")));
        Assert.Equal(V(SweepMeasures.TotalBytesSent), parties.Sum(p => V($"{p}.bytes_received")));
        Assert.Equal(V("messages.total"), parties.Sum(p => V($"{p}.messages_received")));
        Assert.Equal(V(SweepMeasures.TotalBytesSent), V("offline.bytes_sent") + V("online.bytes_sent"));
        Assert.Equal(V("compute_s.total"), V("offline.compute_s") + V("online.compute_s"), 9);
        Assert.Equal(V("online.bytes_sent"), parties.Sum(p => V($"{p}.online_bytes_sent")));
        // Inter-server traffic leaves out the user's messages, which it has online.
        Assert.InRange(V("online.inter_server_bytes"), 1, V("online.bytes_sent") - V("user.online_bytes_sent") - 1);
        Assert.InRange(V("user.participation_s"), 1e-6, V(SweepMeasures.UserWaiting));
        Assert.InRange(V("user.prep_participation_s"), 1e-6, V("user.prep_waiting_s"));
        Assert.True(V("rounds.online") >= 2, "online needs at least the masked input and an answer");
        Assert.True(V("virtual_s") > V(SweepMeasures.UserWaiting));
        Assert.All(parties, p => Assert.True(V($"{p}.alloc_bytes") > 0));
    }
}
