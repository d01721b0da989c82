using System.Net.Sockets;

namespace Seco.Cluster.Wire;

/// <summary>The accept loop of the user door and the bulk lane: each connection is handed on; a failed accept is logged, not fatal.</summary>
internal static class AcceptLoop
{
    /// <param name="what">Names the listener in log lines ("door", "bulk lane").</param>
    public static async Task Run(TcpListener listener, string what, Action<TcpClient> accepted, Action<string> log, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                log($"{what}: accept failed: {e.Message}");
                continue;
            }
            accepted(client);
        }
    }
}
