using System.CommandLine;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Seco.Cli.Output;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Lattice.Parameters;
using Seco.Protocol.Model.Planning;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>`seco models inspect`: layers, shapes, parameter counts, blocks and fixed-point headroom.</summary>
public static class ModelsCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var file = CliArguments.ExistingFile("onnx", "ONNX model file", "model file");
        var bits = CliArguments.Int("--fractional-bits", "-f", "fixed-point fractional bits for the headroom analysis", 1, FixedPointFormat.MaxFractionalBits, FixedPointFormat.DefaultFractionalBits);
        var inspect = new Command("inspect", "Print a model's layers, shapes, parameter counts, split points and fixed-point headroom") { file, bits };
        inspect.SetAction(parse => Inspect(context(), parse.GetValue(file)!.FullName, parse.GetValue(bits)));
        return new Command("models", "Work with model files") { inspect };
    }

    public static int Inspect(CommandContext ctx, string path, int fractionalBits)
    {
        NeuralModel model = OnnxImporter.Load(path);
        var fixedModel = new FixedPointModel(model, new FixedPointFormat(fractionalBits));
        IReadOnlyList<BlockHeadroom> headroom = HeadroomAnalysis.Analyze(fixedModel);
        IAnsiConsole con = ctx.Console;
        con.MarkupLine($"[bold]{FittedTable.Cell(model.Name)}[/] ({FittedTable.Cell(path)}): input {model.Input}, output {model.Output}, " +
                       $"{Units.Count(model.ParameterCount, "parameter", "parameters")}, {Units.Count(model.Blocks.Count, "block", "blocks")}");

        var layers = new FittedTable("Layers").Number("#").Number("block").Text("name", 1).Text("kind").Text("details").Text("input").Text("output").Number("parameters");
        int index = 0;
        foreach (LayerBlock block in model.Blocks)
        {
            // a residual block lists its shortcut's layers (marked ↳) and the add between the main branch and the ReLU
            IEnumerable<(Layer Layer, string Mark)> rows = block.Linear.Select(l => ((Layer)l, ""));
            if (block.Skip is { } skip)
                rows = rows.Concat(skip.Branch.Select(l => ((Layer)l, "↳ "))).Append((skip, ""));
            if (block.Relu is { } relu)
                rows = rows.Append((relu, ""));
            foreach ((Layer layer, string mark) in rows)
                layers.Row(new[] { (++index).ToString(), block.Index.ToString(), mark + layer.Name, layer.Kind, layer.Details,
                    layer is ResidualAddLayer add ? add.SourceShape.ToString() : layer.Input.ToString(), layer.Output.ToString(),
                    (layer is ResidualAddLayer ? 0 : layer.ParameterCount).ToString("N0") }.Select(FittedTable.Cell).ToArray());
        }
        layers.Write(con);

        var blocks = new FittedTable(Markup.Escape($"Blocks in fixed point (f = {fractionalBits}); worst case over all inputs in [0, 1] vs (p−1)/2 ≈ 2^{Math.Log2(PrimeField.HalfP):0.00}"))
            .Number("block").Text("layers").Text("output").Text("truncation").Number("worst |value|", 2).Number("log2", 1).Number("margin (bits)").Text("overflow");
        foreach (var (fb, h) in fixedModel.Blocks.Zip(headroom))
        {
            blocks.Row(new[] { fb.Block.Index.ToString(), fb.Block.Describe(), fb.Block.Output.ToString(),
                fb.Block.HasRelu ? $"÷2^{fb.TruncationShift}" : "none (logits)", h.WorstCaseMagnitude.ToString("N0"),
                $"{h.Log2Bound:0.00}", $"{h.MarginBits:0.00}", h.IsSafe ? "impossible" : "POSSIBLE" }.Select(FittedTable.Cell).ToArray());
        }
        blocks.Write(con);
        WritePlans(con, fixedModel);
        con.WriteLine($"Split points: l = 0 (all blocks remote) to l = {model.MaxSplit} (all on the gateway).");
        if (headroom.Any(h => !h.IsSafe))
        {
            con.MarkupLine("[red]warning:[/] " + Markup.Escape("a linear output can exceed p/2 for some input in [0, 1]; the secure result would wrap. Use fewer fractional bits."));
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Each block's HE form at the SECO preset: the diagonal mat-vec of its matrix or the channel-packed convolution,
    /// with the operations each costs and the planner's pick (the cheaper by its cost model, LinearPlanner).
    /// </summary>
    private static void WritePlans(IAnsiConsole con, FixedPointModel model)
    {
        var context = BfvContext.Create(BfvPresets.Seco8192());
        var plans = new List<BlockPlan>();
        var table = new FittedTable(Markup.Escape("HE forms of each block's linear part at the SECO preset (n = 8192): key switchings / plaintext products / Galois keys, model time"))
            .Number("block").Text("matrix (diagonal mat-vec)", 1).Text("convolution (channel-packed)", 1).Text("pick");
        foreach (FixedPointBlock block in model.Blocks)
        {
            BlockPlan plan = LinearPlanner.Plan(block, context);
            plans.Add(plan);
            string conv = plan.Conv is { } c ? $"{plan.ConvShape}: {Describe(c)}" : $"n/a: {plan.ConvUnavailable}";
            string pick = plan.Form == LinearForm.Conv ? "convolution" : "matrix";
            if (plan.MatrixTooLarge)
            {
                pick += $" (the matrix's share would be over {LinearPlanner.MaxMatrixBytes >> 20} MiB)";
            }

            if (block.Block.HasSkip)
            {
                pick += " (+ shortcut)";
            }

            table.Row(new[] { block.Block.Index.ToString(), plan.Matrix is { } m ? Describe(m) : $"n/a: {plan.MatrixUnavailable}", conv, pick }
                .Select(FittedTable.Cell).ToArray());
        }

        table.Write(con);

        // What a whole deployment holds: the rotation keys of the picks (blocks share most of them), and the garbled
        // tables of one query when every ReLU block is remote (one tier of two servers: half-gates, 32 B per AND).
        long keyBytes = (long)context.DataModuli.Count * 2 * context.KeyModuli.Count * context.N * sizeof(ulong);
        int keys = plans.SelectMany(p => p.GaloisElements).Distinct().Count();
        long relus = 0, ands = 0;
        foreach (FixedPointBlock block in model.Blocks.Where(b => b.Block.HasRelu))
        {
            int perRelu = SecoReluCircuits.RemoteTier(block.TruncationShift, ["A", "B", "C"]).Statistics.AndCount;
            relus += block.Block.Output.Size;
            ands += (long)block.Block.Output.Size * perRelu;
        }

        con.MarkupLine(Markup.Escape($"Whole model at the SECO preset: {keys} distinct Galois keys for the picks ({Units.Bytes(keys * keyBytes)} per key set); " +
                                     $"{relus:N0} ReLUs, {ands:N0} AND gates, {Units.Bytes(ands * 32)} of garbled tables per query with every block remote (one tier of two)."));
    }

    private static string Describe(FormCost c) =>
        $"{c.KeySwitches} / {c.Products}{(c.Encodes > 0 ? $" (+{c.Encodes} encodings)" : "")} / {c.GaloisKeys} keys ({c.KeyBytes / (1 << 20)} MiB), ≈{c.EstimatedMilliseconds:0} ms";
}
