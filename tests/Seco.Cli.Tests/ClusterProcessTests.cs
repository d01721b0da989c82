using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Seco.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cli.Tests;

/// <summary>
/// Cluster mode as operators run it: `seco node` ×3 and `seco user` as separate processes on loopback ports, from the
/// shipped config/local files (ports moved to free ones) and files made by `seco certs` and `seco split`. The user's
/// results are bit-exact; a node with a certificate from another CA is refused and the deployment carries on; kill -9
/// of the garbler mid-query makes `seco user` exit non-zero, naming B, within detection + grace + the resolver's
/// stable-after; A and C keep running; after B restarts, a new session succeeds; Ctrl-C makes a node leave and exit 0.
/// </summary>
[Collection(TimedCollection.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("seco-cluster-").FullName;
    private readonly List<NodeProcess> _processes = [];

    public void Dispose()
    {
        foreach (NodeProcess p in _processes)
        {
            p.Dispose();
            output.WriteLine(p.ToString());
        }
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Three_node_processes_and_a_user_process_survive_a_rogue_node_and_a_killed_garbler()
    {
        int[] ports = FreePorts(9);
        Deploy(ports);
        string Config(string file) => Path.Combine(_root, "config", "local", file);
        TimeSpan ready = TimeSpan.FromSeconds(90);

        NodeProcess a = Start("A", "node", "--config", Config("A.yaml"));
        NodeProcess b = Start("B", "node", "--config", Config("B.yaml"));
        NodeProcess c = Start("C", "node", "--config", Config("C.yaml"));
        foreach (NodeProcess n in new[] { a, b, c })
            Assert.True(n.WaitFor("ready: every server of the deployment is up", ready), $"a node did not get ready\n{n}");

        // A rogue garbler whose certificate comes from another CA, on a port of its own: every server refuses its TLS
        // handshake, so it never joins (Akka keeps it retrying until it is stopped); the deployment is unaffected.
        NodeProcess rogue = Start("rogue", "node", "--config", Config("rogue.yaml"));
        foreach (NodeProcess n in new[] { a, c })
            Assert.True(n.WaitFor("does not chain to the deployment CA", TimeSpan.FromSeconds(60)), $"the rogue was not refused\n{n}");
        Assert.DoesNotContain("joined", rogue.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rogue", a.Output, StringComparison.Ordinal);

        rogue.Dispose();

        NodeProcess user = Start("user", "user", "--config", Config("user.yaml"), "-n", "2", "--out", Path.Combine(_root, "out"));
        Assert.True(user.WaitForExit(TimeSpan.FromSeconds(180)), $"the user did not finish\n{user}");
        Assert.Equal(0, user.ExitCode);
        Assert.Contains("2/2 queries finished, 2 bit-exact", user.Output, StringComparison.Ordinal);

        // kill -9 of the garbler in the middle of a session.
        NodeProcess victim = Start("user-2", "user", "--config", Config("user.yaml"), "-n", "6", "--out", Path.Combine(_root, "out"));
        Assert.True(victim.WaitFor("progress: q1 preprocessing", TimeSpan.FromSeconds(180)), $"q1 never started\n{victim}");
        var sinceKill = Stopwatch.StartNew();
        b.KillHard();
        // Detection (heartbeat 1 s + acceptable pause 3 s) + the split-brain resolver's stable-after (7 s) bound the
        // run's failure; the grace (5 s) fails the queries in flight before that. 15 s of slack for a loaded machine.
        Assert.True(victim.WaitForExit(TimeSpan.FromSeconds(1 + 3 + 7 + 15)), $"the user did not give up after B was killed\n{victim}");
        output.WriteLine($"the user exited {sinceKill.Elapsed.TotalSeconds:0.0} s after kill -9 of B");
        Assert.NotEqual(0, victim.ExitCode);
        // The user hears that its session failed among the servers, not which one (it learns nothing of the hierarchy
        // behind A); A's log names B.
        Assert.Matches("failed among the (remote )?servers", victim.Output);
        Assert.DoesNotContain("garbler B", victim.Output, StringComparison.Ordinal);
        Assert.False(a.HasExited, $"A stopped\n{a}");
        Assert.False(c.HasExited, $"C stopped\n{c}");
        Assert.True(a.WaitFor("down: garbler B", TimeSpan.FromSeconds(30)), $"A never saw B go\n{a}");

        // B restarts (a new incarnation at the same address): the next session repeats setup and succeeds.
        NodeProcess b2 = Start("B-restarted", "node", "--config", Config("B.yaml"));
        Assert.True(b2.WaitFor("ready: every server of the deployment is up", ready), $"B did not rejoin\n{b2}");
        // The gateway admits users only with every server up: wait until it has seen the new incarnation join.
        Assert.True(a.WaitFor("joined: garbler B", ready, occurrence: 2), $"A did not see B rejoin\n{a}");
        NodeProcess again = Start("user-3", "user", "--config", Config("user.yaml"), "-n", "1", "--out", Path.Combine(_root, "out"));
        Assert.True(again.WaitForExit(TimeSpan.FromSeconds(180)), $"the user did not finish after B's restart\n{again}");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("1/1 queries finished, 1 bit-exact", again.Output, StringComparison.Ordinal);

        // Ctrl-C: a node leaves the cluster gracefully and exits 0; the others see it leave, not fail.
        c.Interrupt();
        Assert.True(c.WaitForExit(TimeSpan.FromSeconds(30)), $"C did not stop on Ctrl-C\n{c}");
        Assert.Equal(0, c.ExitCode);
        // The signal is seen by seco's handler ("leaving the cluster") or, when it races the runtime's own exit path, by
        // Akka's coordinated shutdown ("left the cluster"); either way the node leaves gracefully.
        Assert.Matches("leaving the cluster|left the cluster", c.Output);
        Assert.True(a.WaitFor("down: evaluator C", TimeSpan.FromSeconds(30)), $"A did not see C leave\n{a}");
    }

    private NodeProcess Start(string name, params string[] args)
    {
        var p = new NodeProcess(name, args);
        _processes.Add(p);
        return p;
    }

    /// <summary>
    /// The shipped config/local files with free ports and the MLP (fast), and the files they name: `seco certs`,
    /// `seco split`, and a rogue B from another CA.
    /// </summary>
    private void Deploy(int[] ports)
    {
        string models = Path.Combine(TestHost.Root, "models");
        string local = Path.Combine(_root, "config", "local");
        Directory.CreateDirectory(local);
        foreach (string file in new[] { "A.yaml", "B.yaml", "C.yaml", "user.yaml" })
        {
            string text = File.ReadAllText(Path.Combine(TestHost.Root, "config", "local", file))
                .Replace("25520", ports[0].ToString(), StringComparison.Ordinal)
                .Replace("25521", ports[1].ToString(), StringComparison.Ordinal)
                .Replace("25522", ports[2].ToString(), StringComparison.Ordinal)
                .Replace("25500", ports[3].ToString(), StringComparison.Ordinal)
                .Replace("25620", ports[5].ToString(), StringComparison.Ordinal)
                .Replace("25621", ports[6].ToString(), StringComparison.Ordinal)
                .Replace("25622", ports[7].ToString(), StringComparison.Ordinal)
                .Replace("../../models/minionn.onnx", Path.Combine(models, "mlp.onnx"), StringComparison.Ordinal)
                .Replace("../../models/", models + "/", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(local, file), text);
        }
        // The rogue: B's file, its own port, and a certificate from a second `seco certs` (another CA).
        string rogue = File.ReadAllText(Path.Combine(local, "B.yaml"))
            .Replace($" port: {ports[1]}", $" port: {ports[4]}", StringComparison.Ordinal)
            .Replace($"bulk_port: {ports[6]}", $"bulk_port: {ports[8]}", StringComparison.Ordinal)
            .Replace("../../deploy/certs/B.pfx", "../../rogue/B.pfx", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(local, "rogue.yaml"), rogue);

        string deploy = Path.Combine(_root, "deploy");
        Check(CliHarness.Run("certs", "--out", Path.Combine(deploy, "certs"), "--servers", "A,B,C", "--users", "user"));
        Check(CliHarness.Run("certs", "--out", Path.Combine(_root, "rogue"), "--servers", "B", "--users", "user"));
        Check(CliHarness.Run("split", "--model", Path.Combine(models, "mlp.onnx"), "--split", "1", "--out", Path.Combine(deploy, "model")));
    }

    private static void Check(CliHarness.Result r) => Assert.True(r.ExitCode == 0, r.Output + r.Error);

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (TcpListener l in listeners) l.Start();
        int[] ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (TcpListener l in listeners) l.Stop();
        return ports;
    }
}
