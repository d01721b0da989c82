using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Nn.Field;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>One query of a cluster session as the CLI reports it: the user's result beside the reference (when there is one).</summary>
internal sealed record ClusterQuery(int Index, string Source, int? Label, long[]? Reference, UserQueryResult Result)
{
    public long[]? Logits => Result.Logits?.Select(PrimeField.ToSigned).ToArray();

    public int? Prediction => Logits is { } l ? Nn.ArgMax.Of<long>(l) : null;

    public int? ReferencePrediction => Reference is { } r ? Nn.ArgMax.Of<long>(r) : null;

    /// <summary>bit-exact, wrong, finished (no reference to compare with), or failed.</summary>
    public string Status => Logits is not { } l ? RunOutcomes.Failed : Reference is null ? "finished" : l.AsSpan().SequenceEqual(Reference) ? RunOutcomes.BitExact : RunOutcomes.WrongStatus;
}

/// <summary>The tables and report.json of a cluster session (`seco run --runtime cluster`, `seco user`): measured on the wall clock.</summary>
internal static class ClusterTables
{
    public static void Correctness(IAnsiConsole con, IReadOnlyList<ClusterQuery> queries)
    {
        var table = new FittedTable("Correctness: the user's decrypted logits against the plaintext fixed-point reference", SimulationTables.InReport)
            .Number("query").Text("input").Number("label").Number("secure prediction").Number("reference prediction").Text("result").Text("correct", 1);
        foreach (ClusterQuery q in queries)
        {
            string status = q.Status switch
            {
                RunOutcomes.BitExact => "[green]bit-exact[/]",
                "finished" => "finished (no reference)",
                var other => $"[red]{other}[/]",
            };
            string correct = q.Label is { } label && q.Prediction is { } p ? (p == label ? "yes" : "no") : "-";
            table.Row(q.Index.ToString(CultureInfo.InvariantCulture), FittedTable.Cell(q.Source), q.Label?.ToString(CultureInfo.InvariantCulture) ?? "-",
                q.Prediction?.ToString(CultureInfo.InvariantCulture) ?? "-", q.ReferencePrediction?.ToString(CultureInfo.InvariantCulture) ?? "-", status, correct);
        }
        table.Write(con);
        foreach (ClusterQuery q in queries.Where(q => q.Result.Failure is not null))
            con.MarkupLine($"[red]q{q.Index} failed[/]: {FittedTable.Cell(q.Result.Failure)}");
    }

    /// <summary>The user's times per query (paper §VIII-C-1's measures, on the wall clock).</summary>
    public static void UserTimes(IAnsiConsole con, UserSessionResult session)
    {
        var table = new FittedTable("The user's times per query, wall clock (waiting = masked input sent → logits decrypted; participation = computing or writing)", SimulationTables.InReport)
            .Number("query").Number("preprocessing (s)").Number("waiting (s)").Number("participation (s)");
        foreach (UserQueryResult q in session.Queries)
            table.Row(q.Query.ToString(CultureInfo.InvariantCulture), Seconds(q.PreprocessingSeconds), Seconds(q.WaitingSeconds), Seconds(q.ParticipationSeconds));
        table.Write(con);
    }

    /// <summary>
    /// Many users at once (issue 22): each user's queries, setup and times, then the load's throughput and latency
    /// percentiles on the wall clock (a query's latency: its preprocessing and its waiting for the logits).
    /// </summary>
    public static void Users(IAnsiConsole con, IReadOnlyList<UserSessionResult> users, IReadOnlyList<int[]> queriesOf, double sessionSeconds)
    {
        var table = new FittedTable("Each user's session, wall clock (latency = preprocessing + waiting for the logits)", SimulationTables.InReport)
            .Text("user").Text("queries").Number("finished").Number("setup (s)").Number("mean latency (s)").Text("session");
        for (int u = 0; u < users.Count; u++)
        {
            UserSessionResult s = users[u];
            double[] latencies = LatenciesOf(s);
            table.Row(UserName(u), string.Join(' ', queriesOf[u].Select(q => $"q{q}")), latencies.Length.ToString(CultureInfo.InvariantCulture),
                s.SetupSeconds.ToString("0.000", CultureInfo.InvariantCulture), latencies.Length == 0 ? "-" : latencies.Average().ToString("0.000", CultureInfo.InvariantCulture),
                s.SessionFailure is { } f ? $"[red]{FittedTable.Cell(f)}[/]" : "ok");
        }
        table.Write(con);
        var all = Scenarios.Secure.Percentiles.Of([.. users.SelectMany(LatenciesOf)]);
        int finished = users.Sum(u => LatenciesOf(u).Length);
        con.MarkupLine($"{users.Count} users at once: {finished} queries finished in {sessionSeconds:0.0} s, [bold]{finished / sessionSeconds:0.00} queries/s[/]; " +
                       $"latency p50 {all.P50:0.000} s, p95 {all.P95:0.000} s, p99 {all.P99:0.000} s, max {all.Max:0.000} s (every party on this machine's cores).");
    }

    /// <summary>"user-1", "user-2", … as the simulator names a load's users.</summary>
    public static string UserName(int user) => $"user-{user + 1}";

    private static double[] LatenciesOf(UserSessionResult s) =>
        [.. s.Queries.Where(q => q.Logits is not null).Select(q => (q.PreprocessingSeconds ?? 0) + (q.WaitingSeconds ?? 0))];

    /// <summary>Per party and phase: handler time on the wall clock and SECO body bytes (the simulator's measure, without its routing header).</summary>
    public static void Costs(IAnsiConsole con, IReadOnlyList<PartyCosts> parties)
    {
        var rows = parties.SelectMany(p => p.Phases.Select(ph => (p.Party, ph))).ToList();
        Units.ByteUnit bytes = Units.BytesFor(rows.SelectMany(r => new[] { r.ph.BytesSent, r.ph.BytesReceived }));
        var table = new FittedTable("Costs per party and phase (compute: handler time on the wall clock; bytes: SECO message bodies)", SimulationTables.InReport)
            .Text("party").Text("phase").Number("compute (s)").Number(bytes.Header("sent")).Number(bytes.Header("received")).Number("msgs sent", 2).Number("msgs recv", 2);
        foreach ((string party, PhaseCost ph) in rows)
            table.Row(FittedTable.Cell(party), ph.Phase, ph.ComputeSeconds.ToString("0.000", CultureInfo.InvariantCulture), bytes.Of(ph.BytesSent), bytes.Of(ph.BytesReceived),
                ph.MessagesSent.ToString(CultureInfo.InvariantCulture), ph.MessagesReceived.ToString(CultureInfo.InvariantCulture));
        table.Write(con);
    }

    /// <summary>report.json of a cluster session: the secure run's query schema, and "cluster" where a simulated run has "simulation".</summary>
    /// <param name="users">Each user's session with the scenario's queries it ran, when a load had several (null: one user, <paramref name="session"/>).</param>
    public static string Json(JsonObject header, IReadOnlyList<ClusterQuery> queries, UserSessionResult session, IReadOnlyList<PartyCosts> parties,
        IReadOnlyList<(UserSessionResult Session, int[] Queries)>? users = null)
    {
        header["runtime"] = "cluster";
        header["finished"] = queries.Count(q => q.Logits is not null);
        header["not_finished"] = queries.Count(q => q.Logits is null);
        header["wrong"] = queries.Count(q => q.Status == RunOutcomes.WrongStatus);
        header["all_bit_exact"] = queries.All(q => q.Status == RunOutcomes.BitExact);
        header["session_failure"] = session.SessionFailure;
        header["queries"] = new JsonArray(queries.Select(q => (JsonNode)new JsonObject
        {
            ["index"] = q.Index,
            ["source"] = q.Source,
            ["label"] = q.Label,
            ["status"] = q.Status,
            ["bit_exact"] = q.Logits is null || q.Reference is null ? null : q.Status == RunOutcomes.BitExact,
            ["prediction"] = q.Prediction,
            ["reference_prediction"] = q.ReferencePrediction,
            ["failure"] = q.Result.Failure,
            ["preprocessing_seconds"] = q.Result.PreprocessingSeconds,
            ["waiting_seconds"] = q.Result.WaitingSeconds,
            ["participation_seconds"] = q.Result.ParticipationSeconds,
            ["logits"] = q.Logits is { } l ? new JsonArray(l.Select(v => (JsonNode)v).ToArray()) : null,
            ["reference_logits"] = q.Reference is { } r ? new JsonArray(r.Select(v => (JsonNode)v).ToArray()) : null,
        }).ToArray());
        header["cluster"] = new JsonObject
        {
            ["user_setup_seconds"] = session.SetupSeconds,
            ["parties"] = JsonSerializer.SerializeToNode(parties, Actors.Simulation.SimulationReport.JsonOptions),
        };
        if (users is not null)
            header["cluster"]!["users"] = new JsonArray([.. users.Select((u, i) => (JsonNode)new JsonObject
            {
                ["user"] = UserName(i),
                ["queries"] = new JsonArray([.. u.Queries.Select(q => (JsonNode)q)]),
                ["setup_seconds"] = u.Session.SetupSeconds,
                ["session_failure"] = u.Session.SessionFailure,
                ["costs"] = JsonSerializer.SerializeToNode(u.Session.Costs, Actors.Simulation.SimulationReport.JsonOptions),
            })]);
        return header.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Exit code: a wrong result is worst, then queries that did not finish.</summary>
    public static int ExitCode(IReadOnlyList<ClusterQuery> queries) =>
        queries.Any(q => q.Status == RunOutcomes.WrongStatus) ? ExitCodes.WrongResult : queries.Any(q => q.Logits is null) ? ExitCodes.NotFinished : ExitCodes.Ok;

    private static string Seconds(double? s) => s is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
