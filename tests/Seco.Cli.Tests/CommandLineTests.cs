using Xunit;

namespace Seco.Cli.Tests;

public class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("validate", "--help")]
    [InlineData("infer", "--help")]
    [InlineData("models", "--help")]
    [InlineData("models", "inspect", "--help")]
    [InlineData("certs", "--help")]
    public void EveryCommandHasHelp(params string[] args)
    {
        var r = CliHarness.Run(args);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Output);
    }

    [Fact]
    public void UnknownCommandsAndMissingOptionsAreUserErrors()
    {
        Assert.Equal(1, CliHarness.Run("frobnicate").ExitCode);
        var r = CliHarness.Run("infer");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--model", r.Error);
    }
}
