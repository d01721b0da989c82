using System.CommandLine;
using Seco.Cli.Output;
using Seco.Lattice.Parameters;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Seco.Scenarios;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco split`: the model owner's step of a cluster deployment (docs/cluster.md, "Model files"). Splits a model at l
/// as `seco run` does (<see cref="ModelSplit"/>) and writes one file per party, so that no party holds more than its
/// part: A's F_A, B's and C's shares of F_BC, and the user's public file with F_A's architecture only.
/// </summary>
public static class SplitCommand
{
    public const string Description =
        "Split a model for a cluster deployment (the model owner's step): blocks 1..l stay with gateway A in plaintext, " +
        "blocks l+1..L are split into additive shares for servers B and C. Writes gateway.party, garbler.party and " +
        "evaluator.party (mode 0600: weights or weight shares) and user.party (F_A's architecture only, no weights) into " +
        "--out; all four carry the same deployment id. Give each party only its own file.";

    public static Command Create(Func<CommandContext> context)
    {
        var model = CliArguments.ExistingFile(new Option<FileInfo>("--model", "-m") { Description = "ONNX model file", Required = true }, "model file");
        var split = CliArguments.OptionalInt("--split", "-l", "split point l: blocks on the gateway (0..the model's block count)", 0, int.MaxValue);
        split.Required = true;
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "folder for the four party files (made if missing)", Required = true };
        var budget = CliArguments.OptionalInt("--query-budget", null,
            "queries per key set (default: the most the smudging covers at these parameters, docs/noise.md)", 1, int.MaxValue);
        var bits = CliArguments.Int("--fractional-bits", "-f", "fixed-point fractional bits", 1, FixedPointFormat.MaxFractionalBits, FixedPointFormat.DefaultFractionalBits);
        var force = new Option<bool>("--force") { Description = "overwrite party files already in --out" };
        var cmd = new Command("split", Description) { model, split, outDir, budget, bits, force };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(model)!.FullName, parse.GetValue(split)!.Value, parse.GetValue(outDir)!.ToString(),
            parse.GetValue(budget), parse.GetValue(bits), parse.GetValue(force)));
        return cmd;
    }

    /// <summary>Checks everything (the split and query budget as `seco run` does, then --out), and only then deals and writes.</summary>
    public static int Execute(CommandContext ctx, string modelPath, int split, string outDir, int? queryBudget = null,
        int fractionalBits = FixedPointFormat.DefaultFractionalBits, bool force = false)
    {
        NeuralModel nn = OnnxImporter.Load(modelPath, out byte[] modelSha256);
        if (split > nn.MaxSplit)
            throw new UserInputException($"--split {split} is past the model's last block; '{nn.Name}' has {nn.Blocks.Count} blocks, so split must be 0..{nn.MaxSplit}");
        var fixedModel = new FixedPointModel(nn, new FixedPointFormat(fractionalBits));
        BfvContext bfv = BfvContext.Create(BfvPresets.Seco8192());
        SecoParameters parameters;
        try
        {
            parameters = ModelSplit.ParametersOf(fixedModel, split, bfv, queryBudget);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "limit")
        {
            throw new UserInputException($"--query-budget: {e.Message.Split(" (Parameter")[0]}");
        }
        if (File.Exists(outDir))
            throw new UserInputException($"--out {outDir} is a file, not a folder");
        if (!force && PartyFiles.Parties.Select(p => Path.Combine(outDir, PartyFiles.FileName(p))).FirstOrDefault(f => File.Exists(f) || Directory.Exists(f)) is { } existing)
            throw new UserInputException($"{existing} already exists; pass --force to overwrite the party files in {outDir}");

        WrittenDeployment written = PartyFiles.Write(ModelSplit.Create(fixedModel, split, bfv, queryBudget),
            new DeploymentSource(modelSha256, fractionalBits, CryptoPreset.Seco8192.Name), outDir, force);

        IAnsiConsole con = ctx.Console;
        con.MarkupLine($"[bold]Deployment {written.DeploymentId}[/]: {FittedTable.Cell(nn.Name)} ({FittedTable.Cell(modelPath)}, SHA-256 " +
                       $"{Convert.ToHexStringLower(modelSha256)[..16]}…), split l = {split} of {Units.Count(nn.Blocks.Count, "block", "blocks")}, " +
                       $"f = {fractionalBits}, {CryptoPreset.Seco8192.Name}, {Units.Count(parameters.Budget.Queries, "query", "queries")} per key set");
        var table = new FittedTable(Markup.Escape($"Party files in {Printable.Escape(outDir)}")).Text("file").Text("party").Text("holds", 1).Number("bytes").Text("SHA-256", 2);
        foreach (WrittenPartyFile f in written.Files)
            table.Row(FittedTable.Cell(Path.GetFileName(f.Path)), Party(f.Party), FittedTable.Cell(Holds(f.Party, split, nn.Blocks.Count)), f.Bytes.ToString("N0"), f.Sha256[..16] + "…");
        table.Write(con);
        con.WriteLine($"deployment id: {written.DeploymentId}");
        return ExitCodes.Ok;
    }

    private static string Party(PartyKind party) => party switch
    {
        PartyKind.Gateway => "gateway A",
        PartyKind.Garbler => "garbler B",
        PartyKind.Evaluator => "evaluator C",
        _ => "user",
    };

    private static string Holds(PartyKind party, int split, int blocks) => party switch
    {
        PartyKind.Gateway => split == 0 ? "no weights (l = 0)" : $"F_A: blocks 1..{split} in plaintext",
        PartyKind.Garbler or PartyKind.Evaluator when split == blocks => "no share (l = L)",
        PartyKind.Garbler => $"F², b²: its share of blocks {split + 1}..{blocks}",
        PartyKind.Evaluator => $"F³, b³: its share of blocks {split + 1}..{blocks}",
        _ => "F_A's shapes and sizes; no weights",
    };
}
