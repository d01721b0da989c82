using System.CommandLine;
using Seco.Nn;
using Seco.Nn.Data;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Seco.Cli.Output;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco infer`: plaintext inference over an IDX image set with the fixed-point reference (what
/// the secure protocol computes, bit for bit) or the float reference, with accuracy, agreement
/// between the two and a confusion summary.
/// </summary>
public static class InferCommand
{
    public static Command Create(Func<CommandContext> context)
    {
        var model = CliArguments.ExistingFile(new Option<FileInfo>("--model", "-m") { Description = "ONNX model file", Required = true }, "model file");
        var images = CliArguments.ExistingFile(new Option<FileInfo>("--images", "-i") { Description = "IDX images file (raw or .gz), e.g. models/fashion-mnist-test-1000-images-idx3-ubyte; 28×28 images feed a 3×32×32 model padded and copied to three channels (models/README.md)", Required = true }, "images file");
        var labels = CliArguments.ExistingFile(new Option<FileInfo?>("--labels", "-l") { Description = "IDX labels file (default: beside the images, 'images-idx3' → 'labels-idx1')" }, "labels file");
        var useFixed = new Option<bool>("--fixed") { Description = "evaluate the fixed-point reference (the default)" };
        var useFloat = new Option<bool>("--float") { Description = "evaluate the float reference only" };
        var bits = CliArguments.Int("--fractional-bits", "-f", "fixed-point fractional bits", 1, FixedPointFormat.MaxFractionalBits, FixedPointFormat.DefaultFractionalBits);
        var count = CliArguments.OptionalInt("--count", "-n", "evaluate only the first N images (at least 1)", 1, int.MaxValue);
        var cmd = new Command("infer", "Run plaintext inference (fixed-point or float reference) over a labelled image set and report accuracy")
        {
            model, images, labels, useFixed, useFloat, bits, count,
        };
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(useFixed) && parse.GetValue(useFloat))
                throw new UserInputException("--fixed and --float exclude each other");
            return Execute(context(), parse.GetValue(model)!.FullName, parse.GetValue(images)!.FullName,
                parse.GetValue(labels)?.FullName, !parse.GetValue(useFloat), parse.GetValue(bits), parse.GetValue(count));
        });
        return cmd;
    }

    public static int Execute(CommandContext ctx, string modelPath, string imagesPath, string? labelsPath, bool fixedPoint, int fractionalBits, int? count)
    {
        NeuralModel model = OnnxImporter.Load(modelPath);
        ImageSet set = IdxFile.Load(imagesPath, labelsPath);
        if (!set.HasLabels)
            throw new UserInputException($"{imagesPath}: no labels found; pass --labels");
        if (!set.Fits(model.Input))
            throw new UserInputException($"{imagesPath}: images have {set.Rows}×{set.Columns} pixels but model '{model.Name}' expects input {model.Input}");
        int n = Math.Min(count ?? set.Count, set.Count);
        FixedPointModel? fixedModel = fixedPoint ? new FixedPointModel(model, new FixedPointFormat(fractionalBits)) : null;

        var floatPred = new int[n];
        var fixedPred = new int[n];
        Parallel.For(0, n, i =>
        {
            double[] x = set.InputFor(i, model.Input);
            floatPred[i] = FloatReference.Predict(model, x);
            if (fixedModel is not null) fixedPred[i] = FixedPointReference.Forward(fixedModel, x).Prediction;
        });
        int[] truth = Enumerable.Range(0, n).Select(set.Label).ToArray();
        int[] primary = fixedModel is null ? floatPred : fixedPred;

        IAnsiConsole con = ctx.Console;
        con.MarkupLine($"[bold]Model[/] {FittedTable.Cell(model.Name)} ({FittedTable.Cell(modelPath)}): {Units.Count(model.Blocks.Count, "block", "blocks")}, " +
                       $"{Units.Count(model.ParameterCount, "parameter", "parameters")}, input {FittedTable.Cell(model.Input.ToString())}");
        con.MarkupLine($"[bold]Images[/] {n} of {set.Count} from {FittedTable.Cell(imagesPath)}");
        var summary = new FittedTable("Accuracy").Text("measure").Text("value");
        if (fixedModel is not null)
        {
            summary.Row("reference", $"fixed point, f = {fractionalBits} fractional bits, in Z_p (p = {Seco.Nn.Field.PrimeField.P})");
            summary.Row("accuracy (fixed point)", Ratio(Correct(fixedPred, truth), n));
            summary.Row("accuracy (float)", Ratio(Correct(floatPred, truth), n));
            summary.Row("fixed = float prediction", Ratio(Correct(fixedPred, floatPred), n));
        }
        else
        {
            summary.Row("reference", "float (double precision)");
            summary.Row("accuracy (float)", Ratio(Correct(floatPred, truth), n));
        }
        summary.Write(con);
        ConfusionSummary(primary, truth, model.Output.Size, Path.GetFileName(imagesPath)).Write(con);
        return ExitCodes.Ok;
    }

    private static int Correct(int[] a, int[] b) => a.Zip(b).Count(p => p.First == p.Second);

    private static string Ratio(int k, int n) => $"{(double)k / n:0.0000} ({k}/{n})";

    private static readonly string[] FashionNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static FittedTable ConfusionSummary(int[] predicted, int[] truth, int classes, string dataName)
    {
        var matrix = new int[classes, classes];
        for (int i = 0; i < truth.Length; i++)
            if (predicted[i] < classes && truth[i] < classes) matrix[truth[i], predicted[i]]++;
        bool fashion = classes == 10 && dataName.Contains("fashion", StringComparison.OrdinalIgnoreCase);
        var table = new FittedTable("Confusion matrix (rows: true class, columns: predicted)").Text("class");
        for (int c = 0; c < classes; c++) table.Number(c.ToString());
        table.Number("recall").Text("most confused with", 1);
        for (int t = 0; t < classes; t++)
        {
            int total = 0, worst = -1;
            for (int p = 0; p < classes; p++)
            {
                total += matrix[t, p];
                if (p != t && matrix[t, p] > 0 && (worst < 0 || matrix[t, p] > matrix[t, worst])) worst = p;
            }
            var row = new List<string> { fashion ? $"{t} {FashionNames[t]}" : t.ToString() };
            for (int p = 0; p < classes; p++) row.Add(matrix[t, p].ToString());
            row.Add(total == 0 ? "-" : $"{(double)matrix[t, t] / total:0.00}");
            row.Add(worst < 0 ? "-" : $"{(fashion ? FashionNames[worst] : worst.ToString())} ({matrix[t, worst]})");
            table.Row(row.Select(FittedTable.Cell).ToArray());
        }
        return table;
    }
}
