using System.CommandLine;
using Akka.Actor;
using Seco.Cluster.Configuration;
using Seco.Cluster.Deployment;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco node --config <file>`: one server of a deployment (docs/cluster.md). It joins the cluster, logs joins,
/// suspicions, failures and runs one line each, and stays up until Ctrl-C (it then leaves the cluster gracefully and
/// exits 0) or until the cluster downs it (exit 5).
/// </summary>
public static class NodeCommand
{
    public const string Description =
        "Start one server node (gateway, garbler or evaluator) of a cluster deployment from its node file (config/local/A.yaml, " +
        "docs/cluster.md). It joins the other servers over mutual TLS, serves users at the gateway's door, and runs until Ctrl-C " +
        "(graceful leave, exit 0) or until the cluster downs it (exit 5).";

    public static Command Create(Func<CommandContext> context)
    {
        var config = CliArguments.ExistingFile(new Option<FileInfo>("--config") { Description = "the node file (YAML)", Required = true }, "node file");
        var cmd = new Command("node", Description + "\n" + ExitCodes.Help) { config };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(config)!.ToString()));
        return cmd;
    }

    public static int Execute(CommandContext ctx, string path)
    {
        NodeConfig config = NodeConfigLoader.Load(path);
        // Before the party file and keys are loaded: the heap limit bounds everything the node holds (issue 20).
        if (config.MemoryLimit is { } limit) Scenarios.Running.ProcessMemory.LimitHeap(limit);
        NodeLaunch launch = NodeLauncher.Prepare(config);
        foreach (string warning in launch.Warnings) ctx.Error.WriteLine(warning);
        NodeSettings s = launch.Settings;
        void Log(string line)
        {
            lock (ctx.Output) ctx.Output.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}");
        }
        if (config.MemoryLimit is not null)
            Log($"[{s.Self}] memory: managed heap limited to {Scenarios.Running.ProcessMemory.HeapLimitBytes() >> 20} MiB (memory_limit)");
        Log($"[{s.Self}] starting: {s.Self.Host}:{s.Self.Port}, deployment {launch.Model.DeploymentId} (model {launch.Model.ModelSha256[..12]}…, split {launch.Model.Split}); " +
            $"seeds {string.Join(", ", s.Servers.Select(x => $"{x.Name}@{x.Host}:{x.Port}"))}");
        NodeHost host = NodeHost.Start(s, launch.Deployment, Log);
        UserDoor? door = null;
        try
        {
            if (launch.Door is { } d)
            {
                door = UserDoor.Open(host, d, line => Log($"[{s.Self}] {line}"));
                Log($"[{s.Self}] user door open on {d.Host}:{door.Port} for {string.Join(", ", d.Users.Keys)}");
            }
            int which = Task.WaitAny([host.WhenTerminated, Task.Delay(Timeout.Infinite, ctx.Cancel)]);
            if (which == 1 || ctx.Cancel.IsCancellationRequested)
            {
                Log($"[{s.Self}] Ctrl-C or SIGTERM: leaving the cluster");
                return ExitCodes.Ok;
            }
            CoordinatedShutdown.Reason? reason = CoordinatedShutdown.Get(host.System).ShutdownReason;
            if (reason is CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterLeavingReason)
            {
                Log($"[{s.Self}] down: the cluster removed this node ({reason.GetType().Name}); restart it to join as a new incarnation");
                return ExitCodes.Downed;
            }
            if (reason is CoordinatedShutdown.ClrExitReason)
            {
                Log($"[{s.Self}] the process is exiting: left the cluster");
                return ExitCodes.Ok;
            }
            Log($"[{s.Self}] stopped: {reason?.GetType().Name ?? "the actor system terminated"} (Akka stops a node whose outbound TLS handshake it refused: see the warnings above)");
            return ExitCodes.InternalError;
        }
        finally
        {
            if (door is not null) door.DisposeAsync().AsTask().GetAwaiter().GetResult();
            host.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
        }
    }
}
