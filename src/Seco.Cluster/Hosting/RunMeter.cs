using Seco.Protocol.Messages;

namespace Seco.Cluster.Hosting;

/// <summary>What one party paid in one run, per phase: measured on the wall clock and counted on the wire (docs/cluster.md, "Costs").</summary>
public sealed record PhaseCost(string Phase, double ComputeSeconds, long MessagesSent, long BytesSent, long MessagesReceived, long BytesReceived);

/// <summary>Messages and body bytes of one kind a party sent (the conformance check against the simulator compares these).</summary>
public sealed record KindCount(string Kind, long Messages, long BodyBytes);

/// <summary>One party's costs in one run.</summary>
public sealed record PartyCosts(string Party, IReadOnlyList<PhaseCost> Phases, IReadOnlyList<KindCount> SentByKind)
{
    /// <summary>The costs of <paramref name="parties"/> added up under one name (many users' as one row), phase by phase and kind by kind.</summary>
    public static PartyCosts Sum(string party, IEnumerable<PartyCosts> parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        PartyCosts[] all = [.. parties];
        PhaseCost[] phases = [.. all.SelectMany(p => p.Phases).GroupBy(ph => ph.Phase).Select(g => new PhaseCost(g.Key, g.Sum(x => x.ComputeSeconds),
            g.Sum(x => x.MessagesSent), g.Sum(x => x.BytesSent), g.Sum(x => x.MessagesReceived), g.Sum(x => x.BytesReceived)))];
        KindCount[] kinds = [.. all.SelectMany(p => p.SentByKind).GroupBy(k => k.Kind).Select(g => new KindCount(g.Key, g.Sum(x => x.Messages), g.Sum(x => x.BodyBytes)))];
        return new PartyCosts(party, phases, kinds);
    }
}

/// <summary>
/// Counts a party's traffic and handler time in a run. Bytes are SECO message bodies (<see cref="SecoCodecs.Encode"/>),
/// the same bytes the simulator's frames carry inside their routing header; Akka's own envelope, chunk headers, TLS
/// records and acknowledgements are the transport's, not the protocol's (docs/cluster.md explains the difference).
/// Thread-safe: the door's reader and the actor record into it.
/// </summary>
public sealed class RunMeter(string party)
{
    private readonly object _gate = new();
    private readonly Dictionary<ProtocolPhase, (double Seconds, long MsgOut, long BytesOut, long MsgIn, long BytesIn)> _phases = [];
    private readonly SortedDictionary<string, (long Messages, long Bytes)> _kinds = new(StringComparer.Ordinal);

    public string Party { get; } = party;

    public void Sent(ProtocolPhase phase, string kind, long bytes)
    {
        lock (_gate)
        {
            var p = _phases.GetValueOrDefault(phase);
            _phases[phase] = p with { MsgOut = p.MsgOut + 1, BytesOut = p.BytesOut + bytes };
            var k = _kinds.GetValueOrDefault(kind);
            _kinds[kind] = (k.Messages + 1, k.Bytes + bytes);
        }
    }

    public void Received(ProtocolPhase phase, long bytes)
    {
        lock (_gate)
        {
            var p = _phases.GetValueOrDefault(phase);
            _phases[phase] = p with { MsgIn = p.MsgIn + 1, BytesIn = p.BytesIn + bytes };
        }
    }

    public void Computed(ProtocolPhase phase, TimeSpan elapsed)
    {
        lock (_gate)
        {
            var p = _phases.GetValueOrDefault(phase);
            _phases[phase] = p with { Seconds = p.Seconds + elapsed.TotalSeconds };
        }
    }

    public PartyCosts Snapshot()
    {
        lock (_gate)
        {
            return new PartyCosts(Party,
                [.. Enum.GetValues<ProtocolPhase>().Where(_phases.ContainsKey).Select(ph =>
                {
                    var p = _phases[ph];
                    return new PhaseCost(ProtocolPhases.Name(ph), p.Seconds, p.MsgOut, p.BytesOut, p.MsgIn, p.BytesIn);
                })],
                [.. _kinds.Select(k => new KindCount(k.Key, k.Value.Messages, k.Value.Bytes))]);
        }
    }
}
