using System.CommandLine;
using Seco.Nn;
using Seco.Nn.FixedPoint;
using Seco.Scenarios;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco run [scenario]` (default scenarios/default.yaml). An echo scenario runs in the network
/// simulator with a cost table, report and trace. For inference the secure protocol is not built yet,
/// so this evaluates — and says loudly that it evaluates — only the plaintext fixed-point reference
/// each query's secure result will be compared with bit for bit.
/// </summary>
public static class RunCommand
{
    public const string DefaultScenario = "scenarios/default.yaml";

    public static Command Create(Func<CommandContext> context)
    {
        var file = new Argument<FileInfo?>("scenario")
        {
            Description = $"scenario file (default: {DefaultScenario})",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for the run's report.json and trace.json (a subfolder <scenario>-<timestamp> is made in it)",
            DefaultValueFactory = _ => new DirectoryInfo("out"),
        };
        var cmd = new Command("run", "Run a scenario: echo workloads in the network simulator; inference (today) as the plaintext fixed-point reference only") { file, outDir };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(file)?.ToString() ?? LocateDefault(), parse.GetValue(outDir)!.FullName));
        return cmd;
    }

    /// <summary>scenarios/default.yaml in the current folder or above it (so `dotnet run` works from anywhere in the clone).</summary>
    private static string LocateDefault()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, DefaultScenario);
            if (File.Exists(candidate)) return Path.GetRelativePath(Environment.CurrentDirectory, candidate);
        }
        throw new UserInputException($"no scenario given and {DefaultScenario} not found in {Environment.CurrentDirectory} or above");
    }

    public static int Execute(CommandContext ctx, string path, string outRoot = "out")
    {
        Scenario scenario = ScenarioLoader.LoadFile(path);
        if (scenario.Workload is EchoWorkload)
            return SimulatedRun.Echo(ctx, scenario, outRoot);
        ScenarioRequirements.EnsureSupportedByV1(scenario);
        PreparedScenario prepared = PreparedScenario.Prepare(scenario);
        return SecureRunCommand.Execute(ctx, prepared, outRoot);
    }
}
