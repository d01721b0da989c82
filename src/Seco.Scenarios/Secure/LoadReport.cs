using Seco.Actors.Simulation;

namespace Seco.Scenarios.Secure;

/// <summary>Percentiles of one measure over the finished queries, in seconds (nearest rank).</summary>
public sealed record Percentiles(double Mean, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return new Percentiles(0, 0, 0, 0, 0);
        double[] sorted = [.. values.Order()];
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Average(), Rank(0.50), Rank(0.95), Rank(0.99), sorted[^1]);
    }
}

/// <summary>
/// What a run under load gives an operator (issue 22): throughput, each query's latency split into its phases with
/// percentiles, and how busy each party was. A query's latency runs from its arrival (its input reaching the user) to
/// its prediction, and is split into
/// <list type="bullet">
/// <item><b>queue</b>: waiting for its user's previous query to end (an open loop only);</item>
/// <item><b>preparation</b>: from when its user could begin it until it went online — the user's preprocessing, F_BC's
/// preparation among the servers and any wait behind other users' work (near 0 when the user preprocessed ahead and the
/// servers were done by then);</item>
/// <item><b>online</b>: from the masked input to the decrypted logits.</item>
/// </list>
/// </summary>
/// <param name="WindowS">From the first arrival to the last query's end.</param>
/// <param name="Utilisation">Per party: compute time within the window over the window.</param>
/// <param name="Pool">What the queries found prepared when they arrived (<see cref="PoolReport"/>).</param>
public sealed record LoadReport(LoadSpec Load, int Queries, int Finished, double WindowS, double ThroughputPerS,
    Percentiles Latency, Percentiles Queue, Percentiles Preparation, Percentiles Online, IReadOnlyList<(string Party, double Utilisation)> Utilisation,
    PoolReport Pool)
{
    public static LoadReport Of(Scenario scenario, SecureRunResult run)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(run);
        QueryTimeline t = run.Timeline;
        int n = run.Queries.Count;
        var latency = new List<double>();
        var queue = new List<double>();
        var preparation = new List<double>();
        var online = new List<double>();
        var userFree = new Dictionary<int, long>();
        long first = long.MaxValue, last = long.MinValue;
        for (int i = 0; i < n; i++)
        {
            int user = i < run.UserOfQuery.Count ? run.UserOfQuery[i] : 0;
            long arrival = t.Arrival[i];
            // The user is free for this query once its previous one ended (its queries run one after another).
            long free = userFree.GetValueOrDefault(user, arrival);
            if (t.Finish[i] >= 0) userFree[user] = t.Finish[i];
            if (arrival < 0) continue;
            first = Math.Min(first, arrival);
            if (t.Finish[i] >= 0) last = Math.Max(last, t.Finish[i]);
            if (!run.Queries[i].Completed || t.Online[i] < 0) continue;
            long start = Math.Max(arrival, free);
            latency.Add(Seconds(t.Finish[i] - arrival));
            queue.Add(Seconds(start - arrival));
            preparation.Add(Seconds(Math.Max(0, t.Online[i] - start)));
            online.Add(Seconds(t.Finish[i] - t.Online[i]));
        }
        double window = last > first ? Seconds(last - first) : 0;
        var busy = new Dictionary<string, long>();
        foreach (HandlerSpan s in run.Simulator.Spans)
        {
            long from = Math.Max(s.StartNs, first), to = Math.Min(s.EndNs, last);
            if (to > from) busy[s.Party] = busy.GetValueOrDefault(s.Party) + (to - from);
        }
        IReadOnlyList<string> parties = [.. run.UserNames, .. scenario.Hierarchy.Parties.Where(p => p != PartyName.User)];
        return new LoadReport(scenario.Load, n, latency.Count, window, window > 0 ? latency.Count / window : 0,
            Percentiles.Of(latency), Percentiles.Of(queue), Percentiles.Of(preparation), Percentiles.Of(online),
            [.. parties.Select(p => (p, window > 0 ? Seconds(busy.GetValueOrDefault(p)) / window : 0))], PoolReport.Of(run, first, last));
    }

    private static double Seconds(long ns) => ns / 1e9;
}

/// <summary>
/// The preparation the queries found (issue 22, "Preprocessing pools"): how many were prepared end to end — the user's
/// preprocessing and the servers' F_BC preparation — before their input arrived, and how many waited for it; the pool's
/// occupancy over time (prepared queries not yet online, all users together), its mean at the arrivals, and the rate
/// at which preparation refilled it over the load's window.
/// </summary>
public sealed record PoolReport(int ReadyAtArrival, int WaitedForPreparation, double MeanOccupancyAtArrival, double RefillPerS,
    IReadOnlyList<(double TimeS, int Occupancy)> Occupancy)
{
    /// <summary>The longest occupancy series report.json carries (two points per query).</summary>
    public const int MaxPoints = 20_000;

    internal static PoolReport Of(SecureRunResult run, long first, long last)
    {
        QueryTimeline t = run.Timeline;
        int ready = 0, waited = 0;
        var changes = new List<(long At, int Delta)>();
        for (int i = 0; i < run.Queries.Count; i++)
        {
            if (t.Prepared[i] >= 0) changes.Add((t.Prepared[i], +1));
            if (t.Online[i] >= 0 && t.Prepared[i] >= 0) changes.Add((t.Online[i], -1));
            if (!run.Queries[i].Completed || t.Arrival[i] < 0 || t.Prepared[i] < 0) continue;
            if (t.Prepared[i] <= t.Arrival[i]) ready++;
            else waited++;
        }
        // A query prepared and online at the same instant leaves before the next arrives: removals first at a tie.
        changes.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Delta.CompareTo(b.Delta));
        var series = new List<(double, int)>();
        int level = 0;
        foreach ((long at, int delta) in changes)
        {
            level += delta;
            if (series.Count < MaxPoints) series.Add((at / 1e9, level));
        }
        int OccupancyAt(long at) => changes.Where(c => c.At < at).Sum(c => c.Delta);
        long[] arrivals = [.. Enumerable.Range(0, run.Queries.Count).Where(i => t.Arrival[i] >= 0).Select(i => t.Arrival[i])];
        double mean = arrivals.Length == 0 ? 0 : arrivals.Average(a => (double)OccupancyAt(a));
        int refills = t.Prepared.Count(p => p >= first && p <= last);
        double window = last > first ? (last - first) / 1e9 : 0;
        return new PoolReport(ready, waited, mean, window > 0 ? refills / window : 0, series);
    }
}
