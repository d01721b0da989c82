using System.CommandLine;
using Seco.Cli.Output;
using Seco.Scenarios;
using Seco.Scenarios.Running;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco run [scenario]` (default scenarios/default.yaml): an inference scenario runs the SECO protocol in the network
/// simulator and checks every prediction against the plaintext fixed-point reference; an echo scenario runs the actor
/// runtime without cryptography through any hierarchy. Both print cost tables and write report, trace and charts.
/// </summary>
public static class RunCommand
{
    public const string DefaultScenario = "scenarios/default.yaml";

    public const string Description =
        "Run a scenario in the network simulator. An inference scenario runs the SECO protocol (MPHE keys, F_BC preparation, " +
        "the user's preprocessing, online inference) among the user, gateway A and servers B and C, and checks every prediction " +
        "bit for bit against the plaintext fixed-point reference; an echo scenario sends request/reply traffic through any " +
        "hierarchy without cryptography. Prints cost tables; writes report.json, trace.json, costs.svg and timeline.svg.";

    public static Command Create(Func<CommandContext> context)
    {
        var file = CliArguments.OptionalExistingFile("scenario", $"scenario file (default: {DefaultScenario}, looked for here and in the folders above)", "scenario file");
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for the run's outputs; a subfolder <scenario>-<time> is made in it before the run starts",
            DefaultValueFactory = _ => new DirectoryInfo("out"),
        };
        var maxBytes = CliArguments.MaxScenarioBytes();
        var runtime = new Option<string>("--runtime")
        {
            Description = "simulator (default): the deterministic network simulator; cluster: the servers as Akka ActorSystems on loopback " +
                          "with mutual TLS and the user through the gateway's door, costs on the wall clock (inference scenarios only)",
            DefaultValueFactory = _ => Simulator,
        };
        runtime.AcceptOnlyFromAmong(Simulator, Cluster);
        var compare = new Option<bool>("--compare-simulator")
        {
            Description = "with --runtime cluster: also run the simulator and print both side by side per party and phase (fidelity.csv)",
        };
        var cmd = new Command("run", Description + "\n" + ExitCodes.Help) { file, outDir, maxBytes, runtime, compare };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(file)?.ToString() ?? LocateDefault(), parse.GetValue(outDir)!.ToString(),
            CliArguments.Limits(parse.GetValue(maxBytes)), parse.GetValue(runtime)!, parse.GetValue(compare)));
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
        throw new UserInputException($"no scenario given and {DefaultScenario} not found in {Printable.Escape(Environment.CurrentDirectory)} or above");
    }

    public const string Simulator = "simulator";

    public const string Cluster = "cluster";

    /// <summary>Checks everything (<see cref="RunAdmission"/>, then --out), and only then runs.</summary>
    public static int Execute(CommandContext ctx, string path, string outRoot = "out", ScenarioLimits? limits = null, string runtime = Simulator, bool compare = false)
    {
        AdmittedRun admitted = RunAdmission.Admit(ScenarioLoader.LoadFile(path, limits));
        if (runtime == Cluster && admitted.Prepared is null)
            throw new UserInputException($"--runtime cluster runs inference scenarios; '{Printable.Escape(admitted.Scenario.Name)}' is an echo scenario, which only the simulator runs");
        // Party files name no protocol (docs/cluster.md): a cluster deployment runs SECO, and DELPHI as SECO at l = L.
        if (runtime == Cluster && admitted.Scenario.Protocol == InferenceProtocol.Delphi3)
            throw new UserInputException($"--runtime cluster runs SECO and DELPHI; '{Printable.Escape(admitted.Scenario.Name)}' is a DELPHI-3 scenario, which only the simulator runs (docs/scenarios.md, \"Protocols\")");
        if (runtime == Cluster && Seco.Cluster.Local.LoopbackCluster.Unsupported(admitted.Scenario.Load) is { } load)
            throw new UserInputException($"'{Printable.Escape(admitted.Scenario.Name)}': {load} (docs/cluster.md, \"Many users\")");
        if (compare && runtime != Cluster)
            throw new UserInputException("--compare-simulator goes with --runtime cluster");
        RunFolder folder = RunFolder.Create(outRoot, admitted.Scenario.Name);
        if (runtime == Cluster)
            return ClusterRunCommand.Execute(ctx, admitted, folder, compare);
        return admitted.Prepared is null
            ? SimulatedRun.Echo(ctx, admitted.Scenario, folder)
            : SecureRunCommand.Execute(ctx, admitted, folder);
    }
}
