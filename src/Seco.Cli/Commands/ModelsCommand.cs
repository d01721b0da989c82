using System.CommandLine;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>`seco models inspect`: layers, shapes, parameter counts, blocks and fixed-point headroom.</summary>
public static class ModelsCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var file = new Argument<FileInfo>("onnx") { Description = "ONNX model file" };
        var bits = new Option<int>("--fractional-bits", "-f") { Description = "fixed-point fractional bits for the headroom analysis", DefaultValueFactory = _ => FixedPointFormat.DefaultFractionalBits };
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
        con.MarkupLineInterpolated($"[bold]{model.Name}[/] ({path}): input {model.Input}, output {model.Output}, {model.ParameterCount:N0} parameters, {model.Blocks.Count} blocks");

        var layers = new Table { Title = new TableTitle("Layers") }.AddColumns("#", "block", "name", "kind", "details", "input", "output", "parameters");
        int index = 0;
        foreach (LayerBlock block in model.Blocks)
        {
            foreach (Layer layer in block.Linear.Cast<Layer>().Concat(block.Relu is null ? [] : [block.Relu]))
                layers.AddRow(new[] { (++index).ToString(), block.Index.ToString(), layer.Name, layer.Kind, layer.Details,
                    layer.Input.ToString(), layer.Output.ToString(), layer.ParameterCount.ToString("N0") }.Select(Markup.Escape).ToArray());
        }
        con.Write(layers);

        var blocks = new Table { Title = new TableTitle(Markup.Escape($"Blocks in fixed point (f = {fractionalBits}); worst case over all inputs in [0, 1] vs (p−1)/2 ≈ 2^{Math.Log2(PrimeField.HalfP):0.00}")) }
            .AddColumns("block", "layers", "output", "truncation", "worst |value|", "log2", "margin (bits)", "overflow");
        foreach (var (fb, h) in fixedModel.Blocks.Zip(headroom))
        {
            blocks.AddRow(new[] { fb.Block.Index.ToString(), fb.Block.Describe(), fb.Block.Output.ToString(),
                fb.Block.HasRelu ? $"÷2^{fb.TruncationShift}" : "none (logits)", h.WorstCaseMagnitude.ToString("N0"),
                $"{h.Log2Bound:0.00}", $"{h.MarginBits:0.00}", h.IsSafe ? "impossible" : "POSSIBLE" }.Select(Markup.Escape).ToArray());
        }
        con.Write(blocks);
        con.WriteLine($"Split points: l = 0 (all blocks remote) to l = {model.MaxSplit} (all on the gateway).");
        if (headroom.Any(h => !h.IsSafe))
        {
            con.MarkupLine("[red]warning:[/] a linear output can exceed p/2 for some input in [0, 1]; the secure result would wrap. Use fewer fractional bits.");
        }
        return ExitCodes.Ok;
    }
}
