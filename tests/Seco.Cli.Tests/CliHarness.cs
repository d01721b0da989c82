namespace Seco.Cli.Tests;

/// <summary>Runs the `seco` command in-process and captures what it writes.</summary>
internal static class CliHarness
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SecoCli.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
