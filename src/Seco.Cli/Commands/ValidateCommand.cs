using System.CommandLine;
using Seco.Nn.FixedPoint;
using Seco.Scenarios;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>`seco validate`: checks a scenario file and the model and images it names.</summary>
public static class ValidateCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var file = new Argument<FileInfo>("scenario") { Description = "scenario file (YAML, docs/scenarios.md)" };
        var cmd = new Command("validate", "Check a scenario file, the model and the images it names, and what protocol v1 can run") { file };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(file)!.ToString()));
        return cmd;
    }

    public static int Execute(CommandContext ctx, string path)
    {
        PreparedScenario prepared = PreparedScenario.Prepare(ScenarioLoader.LoadFile(path));
        Describe(ctx.Console, prepared);
        IReadOnlyList<ScenarioError> v1 = ScenarioRequirements.CheckSupportedByV1(prepared.Scenario);
        foreach (ScenarioError e in v1)
            ctx.Console.WriteLine($"note: {e} (the file is valid; the v1 protocol cannot run it)");
        ctx.Console.MarkupLineInterpolated($"[green]{path}: valid[/]");
        return ExitCodes.Ok;
    }

    /// <summary>A summary of what the scenario will run, shared with `seco run`.</summary>
    public static void Describe(IAnsiConsole con, PreparedScenario p)
    {
        Scenario s = p.Scenario;
        var model = p.Model;
        var table = new Table { Title = new TableTitle(Markup.Escape($"Scenario '{s.Name}'")) }.AddColumns("", "");
        table.HideHeaders();
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        if (s.Description is not null) Row("description", s.Description);
        // PreparedScenario.Prepare accepts only inference scenarios, which always have a model.
        ModelSpec spec = s.Model ?? throw new InvalidOperationException($"prepared scenario '{s.Name}' has no model");
        Row("model", $"{model.Name} ({spec.Path}): {model.Blocks.Count} blocks, {model.ParameterCount:N0} parameters, f = {spec.FractionalBits}");
        string onGateway = Blocks(1, s.Split);
        string remote = s.Split == model.MaxSplit ? "none (DELPHI between user and gateway)" : Blocks(s.Split + 1, model.MaxSplit);
        Row("split", $"l = {s.Split}: gateway {s.Hierarchy.Gateway} runs {onGateway} in plaintext; remote tiers run {remote}");
        foreach (Tier t in s.Hierarchy.Tiers)
            Row($"tier {t.Name}", $"servers {string.Join(", ", t.Servers)} (garbler {t.Garbler}, evaluator {t.Evaluator})");
        Row("network", $"{s.Network.Profile.Name}: {s.Network.Defaults.LatencyMs} ms, {s.Network.Defaults.BandwidthMbps} Mbit/s per link" +
            (s.Network.Links.Count > 0 ? $", {s.Network.Links.Count} link override(s)" : ""));
        Row("queries", s.Queries.Input switch
        {
            IdxInput idx => $"{s.Queries.Count} images of {Path.GetFileName(idx.ImagesPath)} from #{idx.Offset}",
            _ => $"{s.Queries.Count} uniformly random inputs",
        });
        Row("crypto", s.Crypto.Name);
        if (s.Seed is { } seed) Row("seed", $"{seed} — deterministic randomness: for tests and replay only, NOT secure");
        var headroom = HeadroomAnalysis.Analyze(p.FixedModel);
        Row("overflow", headroom.All(h => h.IsSafe)
            ? $"impossible for inputs in [0, 1] (smallest margin {headroom.Min(h => h.MarginBits):0.0} bits below p/2)"
            : "POSSIBLE: some block can exceed p/2 (see seco models inspect)");
        con.Write(table);
    }

    private static string Blocks(int first, int last) =>
        last < first ? "none" : first == last ? $"block {first}" : $"blocks {first}–{last}";
}
