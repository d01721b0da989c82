using System.Globalization;
using Seco.Actors.Metering;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.Scenarios;
using Seco.Scenarios.Reporting;
using Seco.Scenarios.Running;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>Runs a scenario in the network simulator and prints its costs; writes report.json and trace.json.</summary>
public static class SimulatedRun
{
    public static int Echo(CommandContext ctx, Scenario scenario, string outRoot)
    {
        IAnsiConsole con = ctx.Console;
        var echo = (EchoWorkload)scenario.Workload;
        con.MarkupLine($"[bold]{Markup.Escape(scenario.Name)}[/]: echo workload, {scenario.Queries.Count} queries × {echo.Rounds} rounds, " +
                       $"{echo.RequestBytes:N0}-byte requests, {echo.ReplyBytes:N0}-byte replies; hierarchy {Markup.Escape(Describe(scenario.Hierarchy))}; " +
                       $"network {Markup.Escape(scenario.Network.Profile.Name)}");
        EchoRunResult result = EchoRun.Run(scenario);
        SimulationReport report = result.Report;

        PrintCosts(con, report);
        PrintQueries(con, report);
        PrintLinks(con, report);
        PrintProblems(con, report);

        string dir = OutputFolder(outRoot, scenario.Name);
        File.WriteAllText(Path.Combine(dir, "report.json"), report.ToJson());
        ChromeTrace.WriteFile(result.Simulator, Path.Combine(dir, "trace.json"));
        CostChart.Write(report, Path.Combine(dir, "costs.svg"), new CostChartOptions { Title = $"{scenario.Name}: costs per party" });
        TimelineChart.Write(report, result.Simulator.Spans, result.Simulator.Messages, Path.Combine(dir, "timeline.svg"), new TimelineOptions { Title = $"{scenario.Name}: timeline" });
        con.MarkupLine($"Virtual time {report.VirtualSeconds * 1e3:0.000} ms, {report.Events:N0} events, compute {report.ComputeTiming.ToLowerInvariant()}.");
        con.MarkupLine($"Wrote [bold]{Markup.Escape(Path.Combine(dir, "report.json"))}[/], [bold]{Markup.Escape(Path.Combine(dir, "trace.json"))}[/], costs.svg and timeline.svg (open the trace in https://ui.perfetto.dev or chrome://tracing).");
        bool ok = result.Completed.Count == result.Queries && report.FailureCount == 0;
        con.MarkupLine(ok
            ? $"All {result.Queries} queries completed."
            : $"[bold red]{result.Completed.Count} of {result.Queries} queries completed[/]{(result.Failed.Count > 0 ? $"; failed: {string.Join(", ", result.Failed)}" : "")}.");
        return ok ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    internal static string Describe(Hierarchy h) =>
        string.Join(" → ", new[] { "user", h.Gateway }.Concat(h.Tiers.Select(t => "[" + string.Join(", ", t.Servers) + "]")));

    internal static void PrintCosts(IAnsiConsole con, SimulationReport report)
    {
        var table = new Table { Title = new TableTitle("Costs per party and phase (virtual time; bytes are frame sizes)") }
            .AddColumns("party", "phase", "compute (s)", "sent", "received", "msgs sent", "msgs recv", "rounds", "allocated");
        foreach (TableColumn c in table.Columns.Skip(2)) c.RightAligned();
        foreach (PartyReport p in report.Parties)
        {
            foreach (PhaseCosts x in p.Phases.Where(x => x.Handlers > 0 || x.MessagesSent > 0 || x.MessagesReceived > 0))
            {
                table.AddRow(p.Party, x.Phase, Seconds(x.ComputeSeconds), Bytes(x.BytesSent), Bytes(x.BytesReceived),
                    x.MessagesSent.ToString("N0"), x.MessagesReceived.ToString("N0"), x.Rounds.ToString(), Bytes(x.AllocatedBytes));
            }
        }
        foreach (PhaseSummary s in report.Phases)
            table.AddRow($"[bold]all[/]", Markup.Escape(s.Phase), Seconds(s.ComputeSeconds), Bytes(s.Bytes), "", s.Messages.ToString("N0"), "", s.Rounds.ToString(), "");
        con.Write(table);
    }

    internal static void PrintQueries(IAnsiConsole con, SimulationReport report)
    {
        if (report.Queries.Count == 0) return;
        var table = new Table { Title = new TableTitle("Queries (protocol.md §5.4: waiting = query to result; participation = computing or on the wire)") }
            .AddColumns("query", "party", "begin (ms)", "waiting (ms)", "participation (ms)");
        foreach (TableColumn c in table.Columns.Skip(2)) c.RightAligned();
        foreach (QueryReport q in report.Queries)
        {
            table.AddRow(q.Query, q.Party, Ms(q.BeginMs), q.WaitingSeconds is { } w ? Ms(w * 1e3) : "[red]not finished[/]",
                q.ParticipationSeconds is { } p ? Ms(p * 1e3) : "-");
        }
        con.Write(table);
    }

    internal static void PrintLinks(IAnsiConsole con, SimulationReport report)
    {
        var table = new Table { Title = new TableTitle("Links used") }
            .AddColumns("from", "to", "latency (ms)", "Mbit/s", "messages", "bytes", "busy (ms)", "max queued (ms)");
        foreach (TableColumn c in table.Columns.Skip(2)) c.RightAligned();
        foreach (LinkReport l in report.Links)
            table.AddRow(l.From, l.To, l.LatencyMs.ToString("0.###", CultureInfo.InvariantCulture), l.BandwidthMbps.ToString("0.###", CultureInfo.InvariantCulture),
                l.Messages.ToString("N0"), Bytes(l.Bytes), Ms(l.BusySeconds * 1e3), Ms(l.MaxQueuedMs));
        con.Write(table);
    }

    internal static void PrintProblems(IAnsiConsole con, SimulationReport report)
    {
        foreach (SessionFailure f in report.Failures)
            con.MarkupLine($"[red]session {f.Session} failed[/] at {Markup.Escape(f.Party + f.Actor)} ({Markup.Escape(f.Phase)}, {f.AtNs / 1e6:0.###} ms): {Markup.Escape(f.Error)}");
        foreach (InjectedFailure f in report.InjectedFailures)
            con.MarkupLine($"[yellow]injected[/] at {f.AtNs / 1e6:0.###} ms: {Markup.Escape(f.What)}");
        if (report.MessagesDropped > 0)
            con.MarkupLine($"[yellow]{report.MessagesDropped} messages lost[/] to injected failures");
        if (report.DeadLetterCount > 0)
            con.MarkupLine($"[yellow]{report.DeadLetterCount} dead letters[/] (messages no handler took; see report.json)");
    }

    internal static string OutputFolder(string root, string scenario)
    {
        string stem = $"{SafeName(scenario)}-{DateTime.Now:yyyyMMdd-HHmmss}";
        string dir = Path.Combine(root, stem);
        for (int i = 2; Directory.Exists(dir); i++) dir = Path.Combine(root, $"{stem}-{i}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string SafeName(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());

    internal static string Seconds(double s) => s.ToString("0.000000", CultureInfo.InvariantCulture);

    internal static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);

    internal static string Bytes(long b) => b switch
    {
        < 10_000 => $"{b} B",
        < 10_000_000 => $"{b / 1e3:0.0} kB",
        _ => $"{b / 1e6:0.00} MB",
    };
}
