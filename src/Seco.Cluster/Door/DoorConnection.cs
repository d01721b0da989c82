using System.Threading.Channels;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Door;

/// <summary>
/// One user's authenticated session at the door, seen from the gateway's run: messages for the user are queued and
/// written in order by one writer task, so the run's actor never blocks on the network.
/// </summary>
internal sealed class DoorConnection : IUserChannel
{
    private readonly Channel<byte[]> _out = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<string?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RunMeter? _meter;

    public DoorConnection(RunMeter? meter = null) => _meter = meter;

    /// <summary>Completes when the run closed the session; the value is the reason (null: finished normally).</summary>
    public Task<string?> Closed => _closed.Task;

    public void Send(EncodedSecoMessage message) => _out.Writer.TryWrite(message.Body);

    public void Close(string? reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1) return;
        // The closing frame is queued before Closed completes: the door's reader, woken by Closed, abandons the queue,
        // and a frame queued after that would be lost (the user would hear only that the connection closed).
        _out.Writer.TryWrite(DoorFrames.Closed(reason));
        _out.Writer.TryComplete();
        _closed.TrySetResult(reason);
    }

    private int _closing;

    /// <summary>Writes queued frames until the session is closed (then the closing frame is the last).</summary>
    public async Task WriteLoop(Stream stream, CancellationToken cancel)
    {
        await foreach (byte[] frame in _out.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            await DoorFrames.WriteAsync(stream, frame, cancel).ConfigureAwait(false);
    }

    /// <summary>The reader saw the stream end: nothing more will be written.</summary>
    public void Abandon() => _out.Writer.TryComplete();
}
