using Seco.Actors.Simulation;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// A secure run's measures as results.csv's columns (<see cref="SweepMeasures"/>): sums and means of what the
/// simulation report holds, per party by the scenario's party names. Nothing is estimated: a measure the run did
/// not produce (the user's waiting time when no query finished) is left out, and its cell stays empty.
/// </summary>
public static class PointMeasurement
{
    public static SweepRow Row(SweepPoint point, SecureRunResult run, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(point);
        ArgumentNullException.ThrowIfNull(run);
        PointStatus status = run.Queries.Any(q => q.Completed && !q.BitExact) ? PointStatus.Wrong
            : run.Interrupted ? PointStatus.Interrupted
            : run.Queries.Any(q => !q.Completed) || run.Report.FailureCount > 0 ? PointStatus.NotFinished
            : PointStatus.Ok;
        bool? bitExact = run.Queries.Any(q => q.Completed) ? run.AllBitExact : null;
        if (status == PointStatus.Interrupted)
            return new SweepRow(point, status, bitExact, new Dictionary<string, double>());
        // A point that did not finish says why in its row (results.csv's error column): the first failure the run had.
        string? why = status == PointStatus.NotFinished && run.Report.Failures.Count > 0 ? $"{run.Report.Failures[0].Party} failed in {run.Report.Failures[0].Phase} ({run.Report.Failures[0].Kind}): {run.Report.Failures[0].Error}" : null;
        var values = new Dictionary<string, double>(Of(point.Scenario, run, wallSeconds), StringComparer.Ordinal) { [SweepMeasures.MeasuredAt] = point.Number };
        return new SweepRow(point, status, bitExact, values, why);
    }

    public static IReadOnlyDictionary<string, double> Of(Scenario scenario, SecureRunResult run, double wallSeconds)
    {
        SimulationReport r = run.Report;
        var v = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["queries_finished"] = run.Queries.Count(q => q.Completed),
            ["queries_bit_exact"] = run.Queries.Count(q => q.BitExact),
            ["wall_s"] = wallSeconds,
            ["virtual_s"] = r.VirtualSeconds,
        };
        var all = r.Parties.SelectMany(p => p.Phases).ToList();
        v["compute_s.total"] = all.Sum(c => c.ComputeSeconds);
        v[SweepMeasures.TotalBytesSent] = all.Sum(c => c.BytesSent);
        v["messages.total"] = all.Sum(c => c.MessagesSent);
        v["offline.compute_s"] = all.Where(c => !SweepMeasures.IsOnline(c.Phase)).Sum(c => c.ComputeSeconds);
        v["offline.bytes_sent"] = all.Where(c => !SweepMeasures.IsOnline(c.Phase)).Sum(c => c.BytesSent);
        v["online.compute_s"] = all.Where(c => SweepMeasures.IsOnline(c.Phase)).Sum(c => c.ComputeSeconds);
        v["online.bytes_sent"] = all.Where(c => SweepMeasures.IsOnline(c.Phase)).Sum(c => c.BytesSent);
        string setup = Seco.Protocol.Messages.ProtocolPhases.Name(Seco.Protocol.Messages.ProtocolPhase.Setup);
        string fbcPrep = Seco.Protocol.Messages.ProtocolPhases.Name(Seco.Protocol.Messages.ProtocolPhase.ServerPreprocessing);
        v["setup.bytes_sent"] = all.Where(c => c.Phase == setup).Sum(c => c.BytesSent);
        v["fbc_prep.bytes_sent"] = all.Where(c => c.Phase == fbcPrep).Sum(c => c.BytesSent);
        // Setup ends when the gateway welcomes the user, who then begins its first preprocessing.
        if (r.Queries.FirstOrDefault(q => q.Party == PartyName.User && q.Query == SecureRun.PreprocessingQueryId(0)) is { } first)
            v["setup_s"] = first.BeginMs / 1000;
        var servers = scenario.Hierarchy.Parties.Where(p => p != PartyName.User).ToHashSet(StringComparer.Ordinal);
        v["online.inter_server_bytes"] = run.Simulator.Messages
            .Where(m => !m.Dropped && SweepMeasures.IsOnline(m.Phase) && servers.Contains(m.From) && servers.Contains(m.To)).Sum(m => m.Bytes);
        v["offline.inter_server_bytes"] = run.Simulator.Messages
            .Where(m => !m.Dropped && (m.Phase == setup || m.Phase == fbcPrep) && servers.Contains(m.From) && servers.Contains(m.To)).Sum(m => m.Bytes);
        if (r.Queries.FirstOrDefault(q => q.Party == PartyName.User && q.Query == SecureRun.OnlineQueryId(0)) is { } firstOnline)
            v["setup_and_prep_s"] = firstOnline.BeginMs / 1000;
        // F_BC ready: the last message the servers send each other in the first query's preparation (its evaluator's
        // EvaluatorReady to A) — setup and F_BC's preparation, without the user's own preprocessing (paper Table IV).
        long fbcReady = run.Simulator.Messages
            .Where(m => !m.Dropped && m.Phase == fbcPrep && m.Session == run.ServerSessionOf(0) && servers.Contains(m.From) && servers.Contains(m.To))
            .Select(m => m.ArrivedNs).DefaultIfEmpty(0).Max();
        if (fbcReady > 0) v["fbc_ready_s"] = fbcReady / 1e9;
        int done = run.Queries.Count(q => q.Completed);
        if (done > 0) v["online.inter_server_bytes_per_query"] = v["online.inter_server_bytes"] / done;
        // A phase no message ran in has no chain: 0 rounds (the servers exchange nothing in fbc-prep at l = L).
        foreach (var phase in SweepMeasures.Phases.Select(Seco.Protocol.Messages.ProtocolPhases.Name))
            v[$"rounds.{phase}"] = r.Phases.FirstOrDefault(p => p.Phase == phase)?.Rounds ?? 0;

        // Finished queries only: a failed query's marks end where it was abandoned, which is no query's waiting time.
        int[] finished = [.. Enumerable.Range(0, run.Queries.Count).Where(i => run.Queries[i].Completed)];
        var users = run.UserNames.ToHashSet(StringComparer.Ordinal);
        Mean(v, SweepMeasures.UserWaiting, UserMarks(r, users, finished, SecureRun.OnlineQueryId), q => q.WaitingSeconds);
        Mean(v, "user.participation_s", UserMarks(r, users, finished, SecureRun.OnlineQueryId), q => q.ParticipationSeconds);
        Mean(v, "user.prep_waiting_s", UserMarks(r, users, finished, SecureRun.PreprocessingQueryId), q => q.WaitingSeconds);
        Mean(v, "user.prep_participation_s", UserMarks(r, users, finished, SecureRun.PreprocessingQueryId), q => q.ParticipationSeconds);

        LoadReport load = LoadReport.Of(scenario, run);
        if (load.Finished > 0)
        {
            v["load.throughput_per_s"] = load.ThroughputPerS;
            foreach ((string name, Percentiles p) in new[] { ("latency", load.Latency), ("queue", load.Queue), ("preparation", load.Preparation), ("online", load.Online) })
            {
                v[$"load.{name}_mean_s"] = p.Mean;
                v[$"load.{name}_p50_s"] = p.P50;
                v[$"load.{name}_p95_s"] = p.P95;
                v[$"load.{name}_p99_s"] = p.P99;
            }
            v["load.gateway_utilisation"] = load.Utilisation.FirstOrDefault(u => u.Party == scenario.Hierarchy.Gateway).Utilisation;
            v["load.ready_at_arrival"] = load.Pool.ReadyAtArrival;
            v["load.waited_for_preparation"] = load.Pool.WaitedForPreparation;
            v["load.pool_occupancy_at_arrival"] = load.Pool.MeanOccupancyAtArrival;
        }

        // Under a load the users are many: their own columns are left out (the load.* columns speak for them).
        foreach (PartyReport p in r.Parties.Where(p => users.Count == 1 || !users.Contains(p.Party)))
        {
            var online = p.Phases.Where(c => SweepMeasures.IsOnline(c.Phase)).ToList();
            var offline = p.Phases.Where(c => !SweepMeasures.IsOnline(c.Phase)).ToList();
            v[$"{p.Party}.compute_s"] = p.ComputeSeconds;
            v[$"{p.Party}.offline_compute_s"] = offline.Sum(c => c.ComputeSeconds);
            v[$"{p.Party}.online_compute_s"] = online.Sum(c => c.ComputeSeconds);
            v[$"{p.Party}.bytes_sent"] = p.BytesSent;
            v[$"{p.Party}.bytes_received"] = p.BytesReceived;
            var prep = offline.Where(c => c.Phase != setup).ToList();
            v[$"{p.Party}.prep_bytes"] = prep.Sum(c => c.BytesSent + c.BytesReceived);
            v[$"{p.Party}.prep_compute_s"] = prep.Sum(c => c.ComputeSeconds);
            v[$"{p.Party}.online_bytes"] = online.Sum(c => c.BytesSent + c.BytesReceived);
            v[$"{p.Party}.online_bytes_sent"] = online.Sum(c => c.BytesSent);
            v[$"{p.Party}.online_bytes_received"] = online.Sum(c => c.BytesReceived);
            v[$"{p.Party}.messages_sent"] = p.MessagesSent;
            v[$"{p.Party}.messages_received"] = p.MessagesReceived;
            v[$"{p.Party}.alloc_bytes"] = p.Phases.Sum(c => c.AllocatedBytes);
        }
        return v;
    }

    /// <summary>The user's marks of one kind (q{i} or q{i}-prep) for the given queries.</summary>
    private static List<QueryReport> UserMarks(SimulationReport r, HashSet<string> users, IEnumerable<int> queries, Func<int, string> id)
    {
        var ids = queries.Select(id).ToHashSet(StringComparer.Ordinal);
        return [.. r.Queries.Where(q => users.Contains(q.Party) && ids.Contains(q.Query))];
    }

    /// <summary>The mean over the marks that ended; left out when none did.</summary>
    private static void Mean(Dictionary<string, double> v, string column, List<QueryReport> marks, Func<QueryReport, double?> measure)
    {
        var values = marks.Select(measure).OfType<double>().ToList();
        if (values.Count > 0) v[column] = values.Average();
    }
}
