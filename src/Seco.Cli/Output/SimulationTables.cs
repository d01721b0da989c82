using System.Globalization;
using Seco.Actors.Metering;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>The tables every simulated run prints (echo and secure alike): costs, queries, links, problems.</summary>
internal static class SimulationTables
{
    /// <param name="phaseOrder">The order phases are listed in (the charts use the same); null: the report's.</param>
    public static void Costs(IAnsiConsole con, SimulationReport report, IReadOnlyList<string>? phaseOrder = null)
    {
        var rows = report.Parties.SelectMany(p => Ordered(p.Phases, x => x.Phase, phaseOrder)
            .Where(x => x.Handlers > 0 || x.MessagesSent > 0 || x.MessagesReceived > 0).Select(x => (p.Party, x))).ToList();
        var summaries = Ordered(report.Phases, s => s.Phase, phaseOrder).ToList();
        Units.TimeUnit time = Units.SecondsFor(rows.Select(r => r.x.ComputeSeconds).Concat(summaries.Select(s => s.ComputeSeconds)));
        Units.ByteUnit bytes = Units.BytesFor(rows.SelectMany(r => new[] { r.x.BytesSent, r.x.BytesReceived }).Concat(summaries.Select(s => s.Bytes)));
        Units.ByteUnit allocated = Units.BytesFor(rows.Select(r => r.x.AllocatedBytes));
        var table = new FittedTable($"Costs per party and phase ({Timing(report)}; bytes are frame sizes)", InReport)
            .Text("party").Text("phase").Number(time.Header("compute")).Number(bytes.Header("sent")).Number(bytes.Header("received"))
            .Number("msgs sent", 3).Number("msgs recv", 2).Number("rounds").Number(allocated.Header("allocated"), 1);
        foreach ((string party, PhaseCosts x) in rows)
        {
            table.Row(FittedTable.Cell(party), FittedTable.Cell(x.Phase), time.Of(x.ComputeSeconds), bytes.Of(x.BytesSent), bytes.Of(x.BytesReceived),
                N(x.MessagesSent), N(x.MessagesReceived), x.Rounds.ToString(CultureInfo.InvariantCulture), allocated.Of(x.AllocatedBytes));
        }
        foreach (PhaseSummary s in summaries)
            table.Row("[bold]all[/]", FittedTable.Cell(s.Phase), time.Of(s.ComputeSeconds), bytes.Of(s.Bytes), "", N(s.Messages), "", s.Rounds.ToString(CultureInfo.InvariantCulture), "");
        table.Write(con);
    }

    public static void Queries(IAnsiConsole con, SimulationReport report)
    {
        if (report.Queries.Count == 0) return;
        var table = new FittedTable("Queries (waiting = from the query's start to its result at the party; participation = computing or on the wire)", InReport)
            .Text("query").Text("party").Number("begin (ms)").Number("waiting (ms)").Number("participation (ms)", 1);
        foreach (QueryReport q in report.Queries)
        {
            table.Row(FittedTable.Cell(q.Query), FittedTable.Cell(q.Party), Units.Ms(q.BeginMs),
                q.WaitingSeconds is { } w ? Units.Ms(w * 1e3) : "[red]not finished[/]",
                q.ParticipationSeconds is { } p ? Units.Ms(p * 1e3) : "-");
        }
        table.Write(con);
    }

    public static void Links(IAnsiConsole con, SimulationReport report)
    {
        if (report.Links.Count == 0) return;
        Units.ByteUnit bytes = Units.BytesFor(report.Links.Select(l => l.Bytes));
        var table = new FittedTable("Links used (each direction apart)", InReport)
            .Text("from").Text("to").Number("latency (ms)").Number("Mbit/s").Number("msgs", 3).Number(bytes.Header("bytes"))
            .Number("busy (ms)", 2).Number("max queued (ms)", 1);
        foreach (LinkReport l in report.Links)
        {
            table.Row(FittedTable.Cell(l.From), FittedTable.Cell(l.To), l.LatencyMs.ToString("0.###", CultureInfo.InvariantCulture),
                l.BandwidthMbps.ToString("0.###", CultureInfo.InvariantCulture), N(l.Messages), bytes.Of(l.Bytes), Units.Ms(l.BusySeconds * 1e3), Units.Ms(l.MaxQueuedMs));
        }
        table.Write(con);
    }

    public static void Problems(IAnsiConsole con, SimulationReport report)
    {
        foreach (SessionFailure f in report.Failures)
            con.MarkupLine($"[red]session {f.Session} failed[/] at {FittedTable.Cell(f.Party + f.Actor)} ({FittedTable.Cell(f.Phase)}, {f.AtNs / 1e6:0.###} ms): {FittedTable.Cell(f.Error)}");
        foreach (InjectedFailure f in report.InjectedFailures)
            con.MarkupLine($"[yellow]injected[/] at {f.AtNs / 1e6:0.###} ms: {FittedTable.Cell(f.What)}");
        if (report.MessagesDropped > 0)
            con.MarkupLine($"[yellow]{Units.Count(report.MessagesDropped, "message", "messages")} lost[/] to injected failures");
        if (report.DeadLetterCount > 0)
            con.MarkupLine($"[yellow]{Units.Count(report.DeadLetterCount, "dead letter", "dead letters")}[/] (messages no handler took; see report.json)");
    }

    public const string InReport = "report.json has every figure";

    /// <summary>How compute was timed, as a phrase (the report holds the <see cref="ComputeTiming"/> name).</summary>
    public static string Timing(SimulationReport report) => report.ComputeTiming == nameof(ComputeTiming.ChargedOnly)
        ? "virtual time; compute is only what handlers charged explicitly"
        : "virtual time; compute is each handler's measured time on this machine";

    private static IEnumerable<T> Ordered<T>(IEnumerable<T> items, Func<T, string> phase, IReadOnlyList<string>? order)
    {
        if (order is null) return items;
        return items.Select((x, i) => (x, i)).OrderBy(p => IndexOr(order, phase(p.x))).ThenBy(p => p.i).Select(p => p.x);
    }

    private static int IndexOr(IReadOnlyList<string> order, string phase)
    {
        for (int i = 0; i < order.Count; i++)
            if (order[i] == phase) return i;
        return order.Count;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
