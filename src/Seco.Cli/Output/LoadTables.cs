using System.Globalization;
using System.Text.Json.Nodes;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>`seco run` under a load (issue 22): throughput, latency per phase with percentiles, utilisation per party.</summary>
internal static class LoadTables
{
    /// <summary>", 32 users, open loop at 2 queries/s, preprocessing ahead" — empty for the one-user default.</summary>
    public static string Describe(LoadSpec load) => !load.IsMultiUser ? "" :
        $", {Units.Count(load.Users, "user", "users")}, " + (load.Arrivals == ArrivalProcess.Open
            ? $"open loop at {Num(load.RatePerSecond!.Value)} queries/s"
            : $"closed loop" + (load.ThinkMs > 0 ? $" with {Num(load.ThinkMs)} ms think time" : "")) +
        (load.Preprocess == UserPreprocessingTime.Ahead ? ", preprocessing ahead" : "") +
        (load.Schedule == QuerySchedule.Pipelined ? ", pipelined" : "") +
        (load.Pool > 0 ? $", a pool of {Units.Count(load.Pool, "query", "queries")} per user" : "");

    public static void Print(IAnsiConsole con, LoadReport r)
    {
        var table = new FittedTable($"Latency per query (s; {r.Finished} of {r.Queries} finished): arrival to prediction, and its phases", SimulationTables.InReport)
            .Text("measure").Number("mean").Number("p50").Number("p95").Number("p99").Number("max");
        foreach ((string name, Percentiles p) in Rows(r))
            table.Row(name, S(p.Mean), S(p.P50), S(p.P95), S(p.P99), S(p.Max));
        table.Write(con);
        con.MarkupLine($"Throughput: {Num(r.ThroughputPerS)} queries/s ({r.Finished} in {S(r.WindowS)} s from the first arrival to the last end)" +
                       (r.Load.RatePerSecond is { } rate ? $"; offered {Num(rate)} queries/s." : "."));
        PoolReport pool = r.Pool;
        con.MarkupLine($"Preparation: {pool.ReadyAtArrival} of {pool.ReadyAtArrival + pool.WaitedForPreparation} finished queries were prepared end to end before they arrived, " +
                       $"{pool.WaitedForPreparation} waited for their preparation" + (r.Load.Pool > 0
                           ? $"; the pool ({r.Load.Pool} per user) held {Num(pool.MeanOccupancyAtArrival)} prepared queries on average at an arrival, refilled at {Num(pool.RefillPerS)} queries/s."
                           : " (no pool)."));
        var busy = new FittedTable("Utilisation over that window (compute time / window; 1 = one core always busy)", SimulationTables.InReport)
            .Text("party").Number("utilisation");
        foreach ((string party, double u) in r.Utilisation.Where(u => !u.Party.StartsWith(PartyName.User, StringComparison.Ordinal)))
            busy.Row(FittedTable.Cell(party), u.ToString("0.00", CultureInfo.InvariantCulture));
        double[] users = [.. r.Utilisation.Where(u => u.Party.StartsWith(PartyName.User, StringComparison.Ordinal)).Select(u => u.Utilisation)];
        if (users.Length > 0)
            busy.Row($"users ({users.Length}): mean, max", $"{users.Average():0.00}, {users.Max():0.00}");
        busy.Write(con);
    }

    public static JsonObject Json(LoadReport r)
    {
        var o = new JsonObject
        {
            ["users"] = r.Load.Users,
            ["arrivals"] = LoadSpec.NameOf(r.Load.Arrivals),
            ["think_ms"] = r.Load.Arrivals == ArrivalProcess.Closed ? r.Load.ThinkMs : null,
            ["rate_per_s"] = r.Load.RatePerSecond,
            ["preprocess"] = LoadSpec.NameOf(r.Load.Preprocess),
            ["schedule"] = LoadSpec.NameOf(r.Load.Schedule),
            ["pool"] = new JsonObject
            {
                ["depth_per_user"] = r.Load.Pool,
                ["ready_at_arrival"] = r.Pool.ReadyAtArrival,
                ["waited_for_preparation"] = r.Pool.WaitedForPreparation,
                ["mean_occupancy_at_arrival"] = r.Pool.MeanOccupancyAtArrival,
                ["refill_per_s"] = r.Pool.RefillPerS,
                ["occupancy"] = new JsonArray([.. r.Pool.Occupancy.Select(o => (JsonNode)new JsonArray(o.TimeS, o.Occupancy))]),
                ["scope"] = "prepared queries (the user's preprocessing and the servers' F_BC preparation done) not yet online, every user together",
            },
            ["arrival_seed"] = r.Load.Seed,
            ["finished"] = r.Finished,
            ["window_s"] = r.WindowS,
            ["throughput_per_s"] = r.ThroughputPerS,
        };
        foreach ((string name, Percentiles p) in Rows(r))
            o[name + "_s"] = new JsonObject { ["mean"] = p.Mean, ["p50"] = p.P50, ["p95"] = p.P95, ["p99"] = p.P99, ["max"] = p.Max };
        var utilisation = new JsonObject();
        foreach ((string party, double u) in r.Utilisation) utilisation[party] = u;
        o["utilisation"] = utilisation;
        return o;
    }

    private static IEnumerable<(string, Percentiles)> Rows(LoadReport r) =>
        [("latency", r.Latency), ("queue", r.Queue), ("preparation", r.Preparation), ("online", r.Online)];

    private static string S(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
