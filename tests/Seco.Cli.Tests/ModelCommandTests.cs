using Seco.Nn.Tests;
using Seco.Tests.Shared;
using Xunit;
using static Seco.Nn.Tests.OnnxBuilder;

namespace Seco.Cli.Tests;

public sealed class ModelCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static double[] Seq(int n) => Enumerable.Range(0, n).Select(i => (i % 5 - 2) * 0.05).ToArray();

    private static OnnxBuilder Tiny()
    {
        var b = new OnnxBuilder(1, 4, 4);
        b.Node("Conv", [b.Initializer(Seq(2 * 4), 2, 1, 2, 2), b.Initializer([0.1, 0], 2)], Ints("kernel_shape", 2, 2));
        b.Node("Relu", []);
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer(Seq(3 * 18), 3, 18), b.Initializer([0, 0.1, 0.2], 3)], Int("transB", 1));
        return b;
    }

    [Fact]
    public void InspectPrintsLayersBlocksAndHeadroom()
    {
        string model = Write("tiny.onnx", Tiny().Build());
        var r = CliHarness.Run("models", "inspect", model);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("tiny", r.Output);
        Assert.Contains("Conv2d", r.Output);
        Assert.Contains("2×2, 1→2 ch", r.Output);
        Assert.Contains("impossible", r.Output); // overflow column
        Assert.Contains("l = 0 (all blocks remote) to l = 2", r.Output);
        Assert.Equal("", r.Error);
    }

    /// <summary>Issue 20: each block's HE forms and the planner's pick, and what the whole model needs.</summary>
    [Fact]
    public void InspectShowsThePlannersPickAndTheWholeModelsKeysAndTables()
    {
        CliHarness.Result r = CliHarness.Run("models", "inspect", Path.Combine(TestHost.Root, "models", "minionn.onnx"));
        Assert.True(r.ExitCode == 0, r.Error);
        string text = System.Text.RegularExpressions.Regex.Replace(r.Output, @"\s+", " ");
        Assert.Contains("HE forms of each block's linear part", text);
        Assert.Contains("1×28×28 → 16×12×12, 6×6 stride 2", text); // block 1 composed with its pool
        Assert.Matches(@"│ +1 │[^\n]*│ convolution │", r.Output); // block 1's pick: the convolution (72 products against 512)
        Assert.Matches(@"│ +4 │[^\n]*│ matrix +│", r.Output);       // the logits: a dense block
        // MiniONN: 16·12·12 + 16·4·4 + 100 = 2,660 ReLUs in its three ReLU blocks
        Assert.Matches(@"Whole model at the SECO preset: [0-9]+ distinct Galois keys for the picks \([0-9.]+ MB per key set\); 2,660 ReLUs, [0-9,]+ AND gates", text);
    }

    [Fact]
    public void CorruptOnnxFileIsAOneLineUserError()
    {
        byte[] good = Tiny().Build();
        string model = Write("corrupt.onnx", good[..(good.Length - 7)]);
        var r = CliHarness.Run("models", "inspect", model);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"error: {model}: not a valid ONNX file", r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void UnsupportedOperatorIsAOneLineUserError()
    {
        var b = new OnnxBuilder(4);
        b.Node("Gemm", [b.Initializer(Seq(8), 2, 4)], Int("transB", 1));
        var tanh = b.Node("Tanh", []);
        b.Node("Gemm", [b.Initializer(Seq(4), 2, 2)], Int("transB", 1));
        string model = Write("tanh.onnx", b.Build());
        var r = CliHarness.Run("models", "inspect", model);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"error: {model}: node '{tanh.Name}' (Tanh): unsupported operator", r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void InferReportsAccuracyOnAnImageSet()
    {
        string model = Write("tiny.onnx", Tiny().Build());
        var header = new List<byte> { 0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4 };
        header.AddRange(Enumerable.Range(0, 48).Select(i => (byte)(i * 5)));
        string images = Write("t-images-idx3-ubyte", header.ToArray());
        Write("t-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2]);
        var r = CliHarness.Run("infer", "--model", model, "--images", images, "--fixed");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("accuracy (fixed point)", r.Output);
        Assert.Contains("fixed = float prediction", r.Output);
        Assert.Contains("Confusion matrix", r.Output);
        var f = CliHarness.Run("infer", "--model", model, "--images", images, "--float");
        Assert.Equal(0, f.ExitCode);
        Assert.DoesNotContain("fixed point", f.Output);
    }

    [Fact]
    public void InferRejectsMismatchedImagesAndConflictingModes()
    {
        string model = Write("tiny.onnx", Tiny().Build());
        string images = Write("x-images-idx3-ubyte", [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
        string labels = Write("x-labels-idx1-ubyte", [0, 0, 8, 1, 0, 0, 0, 1, 5]);
        var r = CliHarness.Run("infer", "-m", model, "-i", images);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("images have 2×2 pixels but model 'tiny' expects input 1×4×4", r.Error);
        var both = CliHarness.Run("infer", "-m", model, "-i", images, "-l", labels, "--fixed", "--float");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("--fixed and --float exclude each other", both.Error);
    }

    [Fact]
    public void ShippedMiniOnnMeetsTheAccuracyTarget()
    {
        var r = CliHarness.Run("infer", "--model", RepoPaths.Models("minionn.onnx"), "--images", RepoPaths.Models(RepoPaths.TestImages), "--fixed");
        Assert.Equal(0, r.ExitCode);
        var line = r.Output.Split('\n').First(l => l.Contains("accuracy (fixed point)"));
        var value = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"0\.\d{4}").Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(value >= 0.85, line);
    }
}
