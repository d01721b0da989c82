using Seco.Protocol.Model.Planning;
using System.CommandLine;
using Seco.Cli.Output;
using Seco.Lattice.Parameters;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco split`: the model owner's step of a cluster deployment (docs/cluster.md, "Model files"). Splits a model at l
/// as `seco run` does (<see cref="ModelSplit"/>), lays F_BC into the tiers of --tiers (the scenarios' rule,
/// <see cref="TierSpec.Lay"/>) and writes one file per party, so that no party holds more than its part: A's F_A, each
/// server's share of its tier's blocks, and the user's public file with F_A's architecture only.
/// </summary>
public static class SplitCommand
{
    public const string Description =
        "Split a model for a cluster deployment (the model owner's step): blocks 1..l stay with gateway A in plaintext, " +
        "blocks l+1..L are laid into the remote tiers of --tiers (default: one tier of two servers) and split into additive " +
        "shares among each tier's servers. Writes gateway.party, one t{tier}s{index}.party per server (t1s0.party is tier 1's " +
        "garbler, t1s1.party its evaluator; mode 0600: weights or weight shares) and user.party (F_A's architecture only, " +
        "no weights) into --out; all carry the same deployment id. Give each party only its own file.";

    /// <summary>The example in --tiers' help and errors.</summary>
    private const string TiersExample = "widths per tier such as 2,3,2 (blocks shared evenly) or width:blocks per tier such as 2:3,2:2";

    public static Command Create(Func<CommandContext> context)
    {
        var model = CliArguments.ExistingFile(new Option<FileInfo>("--model", "-m") { Description = "ONNX model file", Required = true }, "model file");
        var split = CliArguments.OptionalInt("--split", "-l", "split point l: blocks on the gateway (0..the model's block count)", 0, int.MaxValue);
        split.Required = true;
        var outDir = new Option<DirectoryInfo>("--out", "-o") { Description = "folder for the four party files (made if missing)", Required = true };
        var budget = CliArguments.OptionalInt("--query-budget", null,
            "queries per key set (default: the most the smudging covers at these parameters, docs/noise.md)", 1, int.MaxValue);
        var bits = CliArguments.Int("--fractional-bits", "-f", "fixed-point fractional bits", 1, FixedPointFormat.MaxFractionalBits, FixedPointFormat.DefaultFractionalBits);
        var tiers = new Option<string>("--tiers", "-t")
        {
            Description = $"the remote tiers, tier 1 first: {TiersExample}; each tier has 2..{Party.MaxServersPerTier} servers, " +
                          $"at most {Party.MaxTiers} tiers (default: one tier of two)",
        };
        var force = new Option<bool>("--force") { Description = "overwrite party files already in --out" };
        var forms = new Option<string>("--forms")
        {
            Description = "how blocks are computed on ciphertexts: matrix (every block the mat-vec of its matrix) or planner (the cheaper of " +
                          "the mat-vec and the channel-packed convolution per block, as `seco models inspect` shows)",
            DefaultValueFactory = _ => "matrix",
        };
        forms.AcceptOnlyFromAmong("matrix", "planner");
        var cmd = new Command("split", Description) { model, split, outDir, budget, bits, tiers, force, forms };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(model)!.FullName, parse.GetValue(split)!.Value, parse.GetValue(outDir)!.ToString(),
            parse.GetValue(budget), parse.GetValue(bits), parse.GetValue(force), parse.GetValue(tiers), FormPolicies.Parse(parse.GetValue(forms)!) ?? FormPolicy.Matrix));
        return cmd;
    }

    /// <summary>
    /// --tiers as written: "2,3,2" (widths) or "2:3,2:2" (width:blocks, for every tier or none). Checks the syntax and
    /// the limits; whether the blocks fit the split is <see cref="TierSpec.Lay"/>'s to say.
    /// </summary>
    /// <exception cref="UserInputException">The text is not a hierarchy.</exception>
    public static IReadOnlyList<(int Servers, int? Blocks)> ParseTiers(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length > Party.MaxTiers)
            throw new UserInputException($"--tiers: {items.Length} tiers; a hierarchy has at most {Party.MaxTiers}");
        var tiers = new List<(int Servers, int? Blocks)>();
        foreach (string item in items)
        {
            string[] parts = item.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length > 2 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int servers)
                || (parts.Length == 2 && !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
                throw new UserInputException($"--tiers '{Printable.Escape(text)}': '{Printable.Escape(item)}' is not a tier; give {TiersExample}");
            int t = tiers.Count + 1;
            if (servers is < 2 or > Party.MaxServersPerTier)
                throw new UserInputException($"--tiers: tier {t} has {servers} server{(servers == 1 ? "" : "s")}; a tier has a garbler, an evaluator and at most " +
                                             $"{Party.MaxServersPerTier - 2} providers (2..{Party.MaxServersPerTier} servers)");
            int? blocks = parts.Length == 2 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : null;
            if (blocks < 1)
                throw new UserInputException($"--tiers: tier {t} holds {blocks} blocks; every tier holds at least one");
            tiers.Add((servers, blocks));
        }
        if (tiers.Any(t => t.Blocks is null) && tiers.Any(t => t.Blocks is not null))
            throw new UserInputException($"--tiers '{Printable.Escape(text)}': give the blocks of every tier (width:blocks) or of none (widths only)");
        return tiers;
    }

    /// <summary>Checks everything (the split and query budget as `seco run` does, then --out), and only then deals and writes.</summary>
    /// <param name="tiers">--tiers as written (<see cref="ParseTiers"/>); null: one tier of two.</param>
    public static int Execute(CommandContext ctx, string modelPath, int split, string outDir, int? queryBudget = null,
        int fractionalBits = FixedPointFormat.DefaultFractionalBits, bool force = false, string? tiers = null, FormPolicy forms = FormPolicy.Matrix)
    {
        IReadOnlyList<(int Servers, int? Blocks)>? asked = tiers is null ? null : ParseTiers(tiers);
        NeuralModel nn = OnnxImporter.Load(modelPath, out byte[] modelSha256);
        if (split > nn.MaxSplit)
            throw new UserInputException($"--split {split} is past the model's last block; '{nn.Name}' has {nn.Blocks.Count} blocks, so split must be 0..{nn.MaxSplit}");
        IReadOnlyList<TierSpec>? layout = null;
        if (asked is not null)
        {
            if (split == nn.Blocks.Count)
                throw new UserInputException($"--tiers: split l = {split} keeps every block of '{nn.Name}' on the gateway, so there is no remote tier; leave --tiers out");
            try
            {
                layout = TierSpec.Lay(asked, split, nn.Blocks.Count);
            }
            catch (ArgumentException e)
            {
                throw new UserInputException($"--tiers: {e.Message}");
            }
        }
        var fixedModel = new FixedPointModel(nn, new FixedPointFormat(fractionalBits));
        BfvContext bfv = BfvContext.Create(BfvPresets.Seco8192());
        SecoParameters parameters;
        try
        {
            parameters = ModelSplit.ParametersOf(fixedModel, split, bfv, queryBudget, layout, forms);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "limit")
        {
            throw new UserInputException($"--query-budget: {e.Message.Split(" (Parameter")[0]}");
        }
        if (File.Exists(outDir))
            throw new UserInputException($"--out {outDir} is a file, not a folder");
        if (!force && PartyFiles.Parties(parameters).Select(p => Path.Combine(outDir, PartyFiles.FileName(p))).FirstOrDefault(f => File.Exists(f) || Directory.Exists(f)) is { } existing)
            throw new UserInputException($"{existing} already exists; pass --force to overwrite the party files in {outDir}");

        WrittenDeployment written = PartyFiles.Write(ModelSplit.Create(fixedModel, split, bfv, queryBudget, layout, forms),
            new DeploymentSource(modelSha256, fractionalBits, CryptoPreset.Seco8192.Name), outDir, force);

        IAnsiConsole con = ctx.Console;
        con.MarkupLine($"[bold]Deployment {written.DeploymentId}[/]: {FittedTable.Cell(nn.Name)} ({FittedTable.Cell(modelPath)}, SHA-256 " +
                       $"{Convert.ToHexStringLower(modelSha256)[..16]}…), split l = {split} of {Units.Count(nn.Blocks.Count, "block", "blocks")}, " +
                       $"f = {fractionalBits}, {CryptoPreset.Seco8192.Name}, {Units.Count(parameters.Budget.Queries, "query", "queries")} per key set, " +
                       (parameters.Depth == 0 ? "no remote tier" : parameters.Depth == 1 ? $"one remote tier of {parameters.Tier(1).Servers} servers"
                           : $"{parameters.Depth} remote tiers of {string.Join(", ", parameters.Tiers.Select(t => t.Servers))} servers"));
        var table = new FittedTable(Markup.Escape($"Party files in {Printable.Escape(outDir)}")).Text("file").Text("party").Text("holds", 1).Number("bytes").Text("SHA-256", 2);
        foreach (WrittenPartyFile f in written.Files)
            table.Row(FittedTable.Cell(Path.GetFileName(f.Path)), Describe(f.Party), FittedTable.Cell(Holds(f.Party, parameters)), f.Bytes.ToString("N0"), f.Sha256[..16] + "…");
        table.Write(con);
        con.WriteLine($"deployment id: {written.DeploymentId}");
        return ExitCodes.Ok;
    }

    /// <summary>"gateway A", "user", "tier 1 garbler", "tier 2 provider 2".</summary>
    private static string Describe(Party party) => party.IsGateway ? "gateway A" : party.ToString();

    private static string Holds(Party party, SecoParameters p)
    {
        if (party.IsGateway)
            return p.Split == 0 ? "no weights (l = 0)" : $"F_A: {Blocks(1, p.Split)} in plaintext";
        if (party.IsUser)
            return "F_A's shapes and sizes; no weights";
        TierShape tier = p.Tier(party.Tier);
        return $"its share of {Blocks(tier.FirstBlock, tier.LastBlock)}";
    }

    private static string Blocks(int first, int last) => first == last ? $"block {first}" : $"blocks {first}..{last}";
}
