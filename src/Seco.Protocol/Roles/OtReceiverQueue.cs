using Seco.Garbling.Ot;

namespace Seco.Protocol.Roles;

/// <summary>
/// The receiver's end of one IKNP stream (A ← a tier's garbler, a tier server ← its garbler), shared by every query of
/// the server session. An IKNP receiver has one batch out at a time and the sender serves batches in the order it
/// gets them, each moving both ends' OT index on (D12); with many users at once the queries' batches interleave, so
/// each waits here until the batch before it is answered, and then goes out (issue 22). One query's batches keep their
/// order; between queries the stream is first come, first served.
/// </summary>
internal sealed class OtReceiverQueue(IknpReceiver ot)
{
    private readonly LinkedList<(int Query, Action<Outbox> Send)> _waiting = new();
    private int? _pending;

    public IknpReceiver Ot => ot;

    /// <summary>
    /// True when <paramref name="query"/>'s batch is the one out: a reply is taken only then (review 22: a reply
    /// relabelled for a query still waiting in line was decoded against another query's batch and failed both).
    /// </summary>
    public bool IsOut(int query) => _pending == query && ot.HasPendingBatch;

    /// <summary>
    /// Sends <paramref name="query"/>'s batch now if none is out, or once the batches before it are answered.
    /// <paramref name="send"/> calls <see cref="IknpReceiver.ExtendChosen(ReadOnlySpan{byte}, int)"/> once and sends the request.
    /// </summary>
    public void Request(int query, Action<Outbox> send, Outbox outbox)
    {
        _waiting.AddLast((query, send));
        Resume(outbox);
    }

    /// <summary>The batch out was answered (its reply taken by <see cref="IknpReceiver.ReceiveChosen(byte[], Span{Seco.Garbling.Crypto.Block})"/>): the next goes out.</summary>
    public void Answered(Outbox outbox)
    {
        _pending = null;
        Resume(outbox);
    }

    /// <summary>
    /// The query is over or failed: a batch of its still out is given up (the sender skips the burned indices) and its
    /// waiting ones dropped. Call <see cref="Resume"/> afterwards to send the next query's.
    /// </summary>
    public void Forget(int query)
    {
        if (_pending == query)
        {
            if (ot.HasPendingBatch) ot.CancelPending();
            _pending = null;
        }
        for (var node = _waiting.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.Query == query) _waiting.Remove(node);
            node = next;
        }
    }

    /// <summary>Sends the first waiting batch if none is out.</summary>
    public void Resume(Outbox outbox)
    {
        if (_pending is not null || _waiting.First is not { } first)
            return;
        _waiting.RemoveFirst();
        _pending = first.Value.Query;
        first.Value.Send(outbox);
    }
}
