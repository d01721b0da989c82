using Seco.Actors.Metering;
using Seco.Actors.Runtime;

namespace Seco.Actors.Simulation;

public sealed partial class Simulator
{
    /// <summary>What the run measured so far. Participation times need recording on (<see cref="SimulationOptions.Record"/>).</summary>
    public SimulationReport Report()
    {
        var parties = _nodes.Select(n =>
        {
            PartyCosts c = n.System.Meter.Snapshot();
            return new PartyReport(n.Name, c.Address, n.Model.CpuSlowdown, n.Model.NicMbps, c.Phases);
        }).ToList();

        var phaseNames = parties.SelectMany(p => p.Phases.Select(x => x.Phase)).Distinct().ToList();
        var phases = phaseNames.Select(name =>
        {
            var all = parties.SelectMany(p => p.Phases.Where(x => x.Phase == name)).ToList();
            return new PhaseSummary(name, all.Sum(x => x.ComputeSeconds), all.Sum(x => x.MessagesSent), all.Sum(x => x.BytesSent), all.Max(x => x.Rounds));
        }).ToList();

        var byLink = _messages.Where(m => m.TransmitEndNs > m.SentNs).ToLookup(m => (m.From, m.To));
        var links = _links
            .Select(kv => (From: kv.Key.Item1.Name, To: kv.Key.Item2.Name, kv.Value.Model))
            .Select(l =>
            {
                var msgs = byLink[(l.From, l.To)].ToList();
                long busy = msgs.Sum(m => l.Model.TransmitNs(m.Bytes));
                return new LinkReport(l.From, l.To, l.Model.LatencyMs, l.Model.BandwidthMbps,
                    msgs.Count, msgs.Sum(m => m.Bytes), busy / 1e9, msgs.Count == 0 ? 0 : msgs.Max(m => m.QueuedNs) / 1e6);
            })
            .Where(l => l.Messages > 0)
            .OrderBy(l => l.From, StringComparer.Ordinal).ThenBy(l => l.To, StringComparer.Ordinal)
            .ToList();

        var systems = _nodes.Select(n => n.System).ToList();
        var failures = systems.SelectMany(s => s.Failures).OrderBy(f => f.AtNs).ToList();
        var dead = systems.SelectMany(s => s.DeadLetters).OrderBy(d => d.AtNs).ToList();
        var rejected = systems.SelectMany(s => s.RejectedFrames).OrderBy(r => r.AtNs).ToList();
        return new SimulationReport(
            Options.SystemName,
            Options.ComputeTiming.ToString(),
            _now / 1e9,
            _events,
            parties,
            phases,
            links,
            Queries(),
            systems.Sum(s => s.EventCounts.Failures),
            failures,
            systems.Sum(s => s.EventCounts.DeadLetters),
            dead,
            systems.Sum(s => s.EventCounts.RejectedFrames),
            rejected,
            _dropped,
            [.. _injected]);
    }

    private List<QueryReport> Queries()
    {
        var result = new List<QueryReport>();
        foreach (Node node in _nodes)
        {
            IReadOnlyList<QueryMark> marks = node.System.QueryMarks;
            foreach (QueryMark begin in marks.Where(m => m.Begin))
            {
                QueryMark? end = marks.FirstOrDefault(m => !m.Begin && m.Query == begin.Query && m.AtNs >= begin.AtNs);
                double? participation = null;
                if (end is not null && Options.Record)
                {
                    string p = node.Name;
                    IEnumerable<(long, long)> busy = _spans.Where(s => s.Party == p).Select(s => (s.StartNs, s.EndNs))
                        .Concat(_messages.Where(m => m.From == p).Select(m => (m.SentNs, m.TransmitEndNs)))
                        .Concat(_messages.Where(m => m.To == p && !m.Dropped).Select(m => (m.FirstBitArrivedNs, m.ArrivedNs)));
                    participation = Intervals.UnionLength(busy, begin.AtNs, end.AtNs) / 1e9;
                }
                result.Add(new QueryReport(begin.Query, node.Name, begin.AtNs / 1e6, end?.AtNs / 1e6,
                    end is null ? null : (end.AtNs - begin.AtNs) / 1e9, participation));
            }
        }
        return result;
    }
}
