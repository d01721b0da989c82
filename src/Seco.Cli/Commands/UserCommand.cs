using System.CommandLine;
using System.Text.Json.Nodes;
using Seco.Cli.Output;
using Seco.Cluster.Configuration;
using Seco.Cluster.Deployment;
using Seco.Cluster.Door;
using Seco.Protocol.Roles;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco user --config <file>`: a user of a cluster deployment. Connects to the gateway's door over mutual TLS, runs
/// its queries, and prints the correctness table (bit-exact against the plaintext reference when the config names
/// the model, as a test deployment does), its waiting and participation times on the wall clock, and report.json.
/// </summary>
public static class UserCommand
{
    public const string Description =
        "Run queries as a user of a cluster deployment from its user file (config/local/user.yaml, docs/cluster.md): connect to the " +
        "gateway's door over mutual TLS, run the SECO protocol, check each result against the plaintext reference when the file names " +
        "the model, and print the user's waiting and participation times; writes report.json.";

    public static Command Create(Func<CommandContext> context)
    {
        var config = CliArguments.ExistingFile(new Option<FileInfo>("--config") { Description = "the user file (YAML)", Required = true }, "user file");
        var images = CliArguments.ExistingFile(new Option<FileInfo?>("--images") { Description = "IDX images to query (overrides the file's images)" }, "images file");
        var queries = CliArguments.OptionalInt("--queries", "-n", "how many queries (overrides the file's queries)", 1, 1_000_000);
        var outDir = new Option<DirectoryInfo>("--out") { Description = "folder for report.json (a subfolder user-<time> is made in it)", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var cmd = new Command("user", Description + "\n" + ExitCodes.Help) { config, images, queries, outDir };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(config)!.ToString(), parse.GetValue(images)?.ToString(), parse.GetValue(queries),
            parse.GetValue(outDir)!.ToString()));
        return cmd;
    }

    public static int Execute(CommandContext ctx, string path, string? images, int? queryCount, string outRoot)
    {
        IAnsiConsole con = ctx.Console;
        UserConfig config = UserConfigLoader.Load(path);
        if (config.MemoryLimit is { } limit) Scenarios.Running.ProcessMemory.LimitHeap(limit); // before the model and keys load
        UserLaunch launch = UserLauncher.Prepare(config, images, queryCount);
        foreach (string warning in launch.Warnings) ctx.Error.WriteLine(warning);
        RunFolder folder = RunFolder.Create(outRoot, $"user-{config.User}");
        con.MarkupLine($"user [bold]{FittedTable.Cell(config.User)}[/]: {Units.Count(launch.Queries.Count, "query", "queries")} to the gateway's door at " +
                       $"{FittedTable.Cell(config.Door.Host)}:{config.Door.Port}, deployment {launch.Model.Header.DeploymentId} (split {launch.Model.Header.Split}); " +
                       (launch.ReferenceModel is null ? "no reference model: results are not checked." : "results are checked against the plaintext reference."));
        var started = System.Diagnostics.Stopwatch.StartNew();
        UserSessionResult session;
        try
        {
            session = UserClient.RunAsync(launch.Client, launch.Model.View, launch.Queries.Select(q => q.Input).ToArray(),
                e => ctx.Output.WriteLine($"progress: {Describe(e)}"), ctx.Cancel).GetAwaiter().GetResult();
        }
        catch (UserSessionException e)
        {
            ctx.Error.WriteLine($"error: {Scenarios.Printable.Escape(e.Message)}");
            return ExitCodes.NotFinished;
        }
        catch (OperationCanceledException) when (ctx.Cancel.IsCancellationRequested)
        {
            con.MarkupLine("[yellow]Interrupted[/]: the session was closed.");
            return ExitCodes.Interrupted;
        }
        var rows = launch.Queries.Select((q, i) => new ClusterQuery(q.Index, q.Source, q.Label, q.ReferenceLogits, session.Queries[i])).ToArray();
        ClusterTables.Correctness(con, rows);
        ClusterTables.UserTimes(con, session);
        ClusterTables.Costs(con, [session.Costs]);
        var header = new JsonObject
        {
            ["user"] = config.User,
            ["deployment"] = launch.Model.Header.DeploymentId,
            ["split"] = launch.Model.Header.Split,
            ["crypto"] = launch.Model.Header.CryptoPreset,
            // The user is its own process: this is the user's own peak (issue 20), with the reference check's model.
            ["process_peak_resident_bytes"] = Scenarios.Running.ProcessMemory.PeakResidentBytes(),
        };
        File.WriteAllText(folder.File("report.json"), ClusterTables.Json(header, rows, session, [session.Costs]));
        if (session.SessionFailure is { } failure)
            ctx.Error.WriteLine($"error: the session ended early: {Scenarios.Printable.Escape(failure)}");
        con.MarkupLine($"{rows.Count(r => r.Logits is not null)}/{rows.Length} queries finished" +
                       (launch.ReferenceModel is null ? "" : $", {rows.Count(r => r.Status == RunOutcomes.BitExact)} bit-exact") +
                       $"; wall time {started.Elapsed.TotalSeconds:0.0} s; peak memory {Units.Bytes(Scenarios.Running.ProcessMemory.PeakResidentBytes())} resident (this process: the user's own). Wrote [bold]{FittedTable.Cell(folder.Path + Path.DirectorySeparatorChar)}[/]report.json.");
        return ClusterTables.ExitCode(rows);
    }

    /// <summary>A user protocol event as one progress line.</summary>
    internal static string Describe(ProtocolEvent e) => e switch
    {
        PreprocessingStarted p => $"q{p.Query} preprocessing",
        OnlineStarted o => $"q{o.Query} online",
        PredictionReady r => $"q{r.Query} logits decrypted",
        QueryFailed f => $"q{f.Query} failed: {f.Reason}",
        _ => e.GetType().Name,
    };
}
