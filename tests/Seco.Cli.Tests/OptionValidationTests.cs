using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 16, item 2: a bad option or argument is refused while the command line is parsed — one line naming it,
/// a pointer to the help, exit code 1 — never an internal error, a stack trace or a CLR type name.
/// </summary>
public sealed class OptionValidationTests
{
    private static string Models(string file) => Path.Combine(TestHost.Root, "models", file);

    private static readonly string Minionn = Models("minionn.onnx");
    private static readonly string Images = Models("fashion-mnist-test-1000-images-idx3-ubyte");
    private static readonly string DefaultScenario = Path.Combine(TestHost.Root, "scenarios", "default.yaml");

    public static TheoryData<string[], string> BadArguments() => new()
    {
        { ["models", "inspect", Minionn, "-f", "0"], "--fractional-bits must be between 1 and 20; got 0" },
        { ["models", "inspect", Minionn, "-f", "40"], "--fractional-bits must be between 1 and 20; got 40" },
        { ["models", "inspect", Minionn, "-f", "x"], "--fractional-bits: 'x' is not a whole number" },
        { ["infer", "-m", Minionn, "-i", Images, "-f", "30"], "--fractional-bits must be between 1 and 20; got 30" },
        { ["infer", "-m", Minionn, "-i", Images, "-n", "abc"], "--count: 'abc' is not a whole number" },
        { ["infer", "-m", Minionn, "-i", Images, "-n", "0"], "--count must be between 1 and 2147483647; got 0" },
        { ["infer", "-m", Minionn, "-i", Images, "-n", "99999999999999999999"], "--count must be between 1 and 2147483647; got 99999999999999999999" },
        { ["infer", "-m", Minionn, "-i", Images, "--fixed", "--float"], "--fixed and --float exclude each other" },
        { ["infer", "-m", "/nonexistent/m.onnx", "-i", Images], "model file not found: /nonexistent/m.onnx" },
        { ["infer", "-m", TestHost.Root, "-i", Images], "is a directory, not a file" },
        { ["run", "--bogus"], "unknown option '--bogus'" },
        { ["run", TestHost.Root], "is a directory, not a file" },
        { ["run", "/nonexistent/s.yaml"], "scenario file not found: /nonexistent/s.yaml" },
        { ["validate", "/nonexistent/s.yaml"], "scenario file not found: /nonexistent/s.yaml" },
        { ["validate", TestHost.Root], "is a directory, not a file" },
        { ["models", "inspect", "/nonexistent/m.onnx"], "model file not found: /nonexistent/m.onnx" },
        { ["models", "inspect", Models("")], "is a directory, not a file" },
        { ["run", "/nonexistent/\u001b]0;PWNED\u0007.yaml"], "scenario file not found: /nonexistent/\\e]0;PWNED\\a.yaml" },
        { ["validate", DefaultScenario, "--max-scenario-bytes", "abc"], "--max-scenario-bytes: 'abc' is not a byte count between 1,024 and 1,073,741,824" },
        { ["run", DefaultScenario, "--max-scenario-bytes", "2GiB"], "--max-scenario-bytes: '2GiB' is not a byte count" },
        { ["validate", DefaultScenario, "--max-scenario-bytes", "100"], "--max-scenario-bytes must be at least 1,024 bytes; got 100" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void ABadValueIsOneLineAndExitCode1(string[] args, string expected)
    {
        CliHarness.Result r = CliHarness.Run(args);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Error);
        string[] lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 2);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("internal error", r.Error);
        Assert.DoesNotContain("System.", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        Assert.DoesNotContain('\u001b', r.Error + r.Output);
        Assert.DoesNotContain('\u0007', r.Error + r.Output);
    }

    [Fact]
    public void TheScenarioSizeCapCanBeLoweredAndRaised()
    {
        string echo = Path.Combine(TestHost.Root, "scenarios", "echo-3tier.yaml"); // 1.5 kB
        CliHarness.Result small = CliHarness.Run("validate", echo, "--max-scenario-bytes", "1KiB");
        Assert.Equal(1, small.ExitCode);
        Assert.Contains("scenario files are limited to 1,024 bytes (1 KiB)", small.Error);
        Assert.Equal(0, CliHarness.Run("validate", echo, "--max-scenario-bytes", "4MiB").ExitCode);
    }

    [Fact]
    public void ParseErrorsPointAtTheCommandsHelp()
    {
        CliHarness.Result r = CliHarness.Run("models", "inspect", Minionn, "-f", "0");
        Assert.EndsWith("See 'seco models inspect --help'.", r.Error.TrimEnd());
    }

    [Fact]
    public void TheLargestFractionalBitsStillRunsOrFailsCleanly()
    {
        // f = 20 is accepted by the parser; the model must then either be inspected or refused in one line.
        CliHarness.Result r = CliHarness.Run("models", "inspect", Minionn, "-f", "20");
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        Assert.DoesNotContain("internal error", r.Error);
    }
}
