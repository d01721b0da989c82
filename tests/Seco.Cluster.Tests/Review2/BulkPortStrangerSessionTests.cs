using System.Net.Sockets;
using Seco.Cluster.Door;
using Seco.Cluster.Tests.Security;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review2;

/// <summary>
/// Security review 2, end to end: a stranger with no certificate keeps evaluator C's bulk port full of idle TCP
/// connections (about 20 connects a second; each accepted one holds one of the 16 slots for the 10 s handshake
/// timeout). A user's session must still succeed.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "SecurityReview2")]
public sealed class BulkPortStrangerSessionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_stranger_filling_a_servers_bulk_port_does_not_stop_user_sessions()
    {
        await using AttackCluster cluster = await AttackCluster.StartAsync();
        int bulkPort = cluster.Servers.Single(s => s.Name == "C").BulkPort;
        using var stop = new CancellationTokenSource();
        var held = new List<TcpClient>();
        Task stranger = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var tcp = new TcpClient();
                try
                {
                    await tcp.ConnectAsync("127.0.0.1", bulkPort, stop.Token);
                    lock (held) held.Add(tcp);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    tcp.Dispose();
                }
                await Task.Delay(50, CancellationToken.None);
            }
        });
        UserSessionResult result;
        try
        {
            await Task.Delay(1000);
            result = await cluster.RunUserAsync(1).WaitAsync(TimeSpan.FromMinutes(3));
        }
        finally
        {
            await stop.CancelAsync();
            await stranger;
            lock (held) foreach (TcpClient t in held) t.Dispose();
            foreach (string line in cluster.Log.Where(l => l.Contains("failed", StringComparison.Ordinal)).Take(10)) output.WriteLine(line);
            output.WriteLine($"'bulk lane: refused' lines logged: {cluster.Count("bulk lane: refused")}");
        }
        Assert.True(result.SessionFailure is null, $"the session failed while a stranger held C's bulk port: {result.SessionFailure}");
        Assert.True(cluster.BitExact(result));
    }
}
