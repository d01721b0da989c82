using System.CommandLine;
using Seco.Cli.Output;
using Seco.Nn.FixedPoint;
using Seco.Scenarios;
using Seco.Scenarios.Running;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco validate`: every check `seco run` makes before it starts (<see cref="RunAdmission"/>), without running — it
/// accepts exactly what run accepts and refuses exactly what run refuses.
/// </summary>
public static class ValidateCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var file = CliArguments.ExistingFile("scenario", "scenario file (YAML, docs/scenarios.md)", "scenario file");
        var maxBytes = CliArguments.MaxScenarioBytes();
        var cmd = new Command("validate",
            "Check a scenario file exactly as `seco run` would before it starts: the file, the model and images it names, what the " +
            "v1 protocol can run, the crypto preset and the query budget. Exit code 0: run will accept it; 1: run would refuse it (each reason on its own line).")
        {
            file, maxBytes,
        };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(file)!.ToString(), CliArguments.Limits(parse.GetValue(maxBytes))));
        return cmd;
    }

    public static int Execute(CommandContext ctx, string path, ScenarioLimits? limits = null)
    {
        AdmittedRun admitted = RunAdmission.Admit(ScenarioLoader.LoadFile(path, limits));
        if (admitted.Prepared is { } prepared)
            Describe(ctx.Console, prepared, admitted);
        else
            DescribeEcho(ctx.Console, admitted.Scenario);
        ctx.Console.MarkupLine($"[green]{FittedTable.Cell(path)}: valid[/] (`seco run` will run it)");
        return ExitCodes.Ok;
    }

    private static void DescribeEcho(IAnsiConsole con, Scenario s)
    {
        var echo = (EchoWorkload)s.Workload;
        var table = Summary(s);
        table.Row("workload", FittedTable.Cell($"echo: {Units.Count(echo.Rounds, "round", "rounds")} of {Units.Count(echo.RequestBytes, "byte", "bytes")} up, {Units.Count(echo.ReplyBytes, "byte", "bytes")} back; no cryptography"));
        table.Row("hierarchy", FittedTable.Cell(SimulatedRun.Describe(s.Hierarchy)));
        Common(table, s);
        table.Row("queries", FittedTable.Cell(Units.Count(s.Queries.Count, "query", "queries")));
        table.Write(con);
    }

    /// <summary>A summary of what the scenario will run.</summary>
    private static void Describe(IAnsiConsole con, PreparedScenario p, AdmittedRun admitted)
    {
        Scenario s = p.Scenario;
        var model = p.Model;
        FittedTable table = Summary(s);
        void Row(string k, string v) => table.Row(FittedTable.Cell(k), FittedTable.Cell(v));
        // RunAdmission prepares only inference scenarios, which always have a model.
        ModelSpec spec = s.Model ?? throw new InvalidOperationException($"prepared scenario '{s.Name}' has no model");
        Row("model", $"{model.Name} ({spec.Path}): {Units.Count(model.Blocks.Count, "block", "blocks")}, {Units.Count(model.ParameterCount, "parameter", "parameters")}, f = {spec.FractionalBits}");
        string onGateway = Blocks(1, s.Split);
        string remote = s.Split == model.MaxSplit ? "none (DELPHI between user and gateway)" : Blocks(s.Split + 1, model.MaxSplit);
        Row("protocol", s.Protocol switch
        {
            InferenceProtocol.Delphi => "DELPHI: the user and the gateway run the whole model; the remote servers take no part",
            InferenceProtocol.Delphi3 => "DELPHI-3: F_A between the user and the gateway; for F_BC the garbler garbles, the gateway evaluates, the other server gives its inputs (all three online)",
            _ => "SECO: F_A between the user and the gateway, F_BC on the remote tiers",
        });
        Row("split", $"l = {s.Split}: gateway {s.Hierarchy.Gateway} runs {onGateway} in plaintext; remote tiers run {remote}");
        foreach (Tier t in s.Hierarchy.Tiers.Where(_ => s.Split < model.MaxSplit))
            Row($"tier {t.Name}", $"servers {Few(t.Servers)} (garbler {t.Garbler}, evaluator {t.Evaluator})");
        Common(table, s);
        Row("queries", s.Queries.Input switch
        {
            IdxInput idx => $"{Units.Count(s.Queries.Count, "image", "images")} of {Path.GetFileName(idx.ImagesPath)} from #{idx.Offset}",
            _ => $"{Units.Count(s.Queries.Count, "uniformly random input", "uniformly random inputs")}",
        });
        if (s.Load.IsMultiUser)
            Row("load", LoadTables.Describe(s.Load).TrimStart(',', ' ') + $"; arrival seed {s.Load.Seed}");
        Row("crypto", s.Crypto.Name);
        if (admitted.Budget is { } budget)
            Row("query budget", $"{Units.Count(budget.Queries, "query", "queries")} per key set (re-keyed after that); F_A: {Units.Count(budget.ModelLifetimeQueries, "query", "queries")} in its life");
        if (s.Seed is { } seed) Row("seed", $"{seed} — makes random query inputs replayable (tests only); the secure run's keys, masks and shares ignore it (OS CSPRNG)");
        var headroom = HeadroomAnalysis.Analyze(p.FixedModel);
        Row("overflow", headroom.All(h => h.IsSafe)
            ? $"impossible for inputs in [0, 1] (smallest margin {headroom.Min(h => h.MarginBits):0.0} bits below p/2)"
            : "POSSIBLE: some block can exceed p/2 (see seco models inspect)");
        table.Write(con);
    }

    private static FittedTable Summary(Scenario s)
    {
        var table = new FittedTable(FittedTable.Cell($"Scenario '{s.Name}'")).Text("field").Text("value").Headless();
        // A description may be 4,096 characters: the summary shows its start.
        if (s.Description is not null) table.Row("description", FittedTable.Cell(Printable.Shorten(s.Description, 300)));
        return table;
    }

    private static void Common(FittedTable table, Scenario s) =>
        table.Row("network", FittedTable.Cell($"{s.Network.Profile.Name}: {s.Network.Defaults.LatencyMs} ms, {s.Network.Defaults.BandwidthMbps} Mbit/s per link" +
            (s.Network.Links.Count > 0 ? $", {Units.Count(s.Network.Links.Count, "link override", "link overrides")}" : "")));

    /// <summary>At most 16 names, then how many more (a valid hierarchy may have thousands of servers).</summary>
    private static string Few(IReadOnlyList<string> names) =>
        names.Count <= 16 ? string.Join(", ", names) : string.Join(", ", names.Take(16)) + $" and {names.Count - 16} more";

    private static string Blocks(int first, int last) =>
        last < first ? "none" : first == last ? $"block {first}" : $"blocks {first}–{last}";
}
