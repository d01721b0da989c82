using System.Security.Cryptography;
using Seco.Cluster.Bulk;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Hosting;

/// <summary>
/// What one peer sends a run, put back in order (docs/cluster.md, "Bulk lane"): each message arrives as an
/// announcement on the Delivery link and a body on the peer's bulk connection, the one connection authenticated as
/// that peer. The Delivery order is the order: an announcement holds back everything after it until its body has come,
/// with the size and SHA-256 it announced. A body on the Delivery link itself is refused (it would come from whoever
/// holds the link, not from the authenticated connection). A body that does not match, a second bulk connection, a body never announced, or more than
/// <see cref="MaxBufferedBytes"/> waiting, and the run's order is lost: the message handed on then names the problem.
/// </summary>
internal sealed class InboundLink
{
    /// <summary>Bodies waiting for their announcements, at most (a peer far ahead of its Delivery link is misbehaving).</summary>
    public const long MaxBufferedBytes = 1L << 30;

    /// <summary>How many bodies may wait for their announcements (no honest peer is thousands ahead).</summary>
    public const int MaxBufferedBodies = 65_536;

    /// <summary>What a waiting body costs beyond its bytes (the record, the queue entry), counted against <see cref="MaxBufferedBytes"/>.</summary>
    private const int Overhead = 64;

    private readonly Queue<ILinkPayload> _items = new();
    private readonly Queue<(long Index, byte[] Body)> _bodies = new();
    private long _buffered;
    private long? _connection;
    private string? _ended;
    private string? _broken;
    private bool _reported;

    /// <summary>A message from the Delivery link.</summary>
    public void Delivered(ILinkPayload item) =>
        _items.Enqueue(item is ReceivedSecoMessage { IsMalformed: false } whole
            ? whole with { Message = null, Problem = $"a '{whole.Kind}' body arrived on the Delivery link, where only announcements travel" }
            : item);

    /// <summary>A body from the bulk lane.</summary>
    public void Body(BulkBody b)
    {
        if (_broken is not null) return;
        _connection ??= b.Connection;
        if (_connection != b.Connection)
            _broken = "it opened a second bulk connection for the run";
        else if ((_buffered += b.Body.Length + Overhead) > MaxBufferedBytes || _bodies.Count >= MaxBufferedBodies)
            _broken = $"it sent more than {MaxBufferedBytes >> 20} MiB or {MaxBufferedBodies} bodies on the bulk lane ahead of its announcements";
        else
            _bodies.Enqueue((b.Index, b.Body));
    }

    /// <summary>
    /// The run's bulk connection ended (a later announcement then fails the run at once, not at the deadline). Only the
    /// connection that delivered this run's bodies counts: the end of one that delivered none (a stale one, or an attempt
    /// the sender retries) says nothing — a sender whose connection fails before its first body fails its own run.
    /// </summary>
    public void Ended(BulkEnded e)
    {
        if (_connection == e.Connection)
            _ended = e.Problem is null ? "its bulk connection closed" : $"its bulk connection broke: {e.Problem}";
    }

    /// <summary>
    /// The messages that can be handed to the role now, in order; once the link is broken, one message naming why (at
    /// once, even when nothing else is waiting), and nothing after it.
    /// </summary>
    public IEnumerable<ReceivedSecoMessage> Ready()
    {
        while (true)
        {
            if (_broken is not null)
            {
                _items.Clear();
                _bodies.Clear();
                if (!_reported)
                {
                    _reported = true;
                    yield return Broken(_broken);
                }
                yield break;
            }
            if (!_items.TryPeek(out ILinkPayload? head)) yield break;
            if (head is not BulkAnnouncement a)
            {
                _items.Dequeue();
                if (head is ReceivedSecoMessage r) yield return r;
                continue;
            }
            if (!_bodies.TryDequeue(out (long Index, byte[] Body) next))
            {
                if (_ended is not null) _broken = $"{_ended} before the body of {a.SecoKind} #{a.Index} arrived";
                if (_broken is null) yield break;
                continue;
            }
            _items.Dequeue();
            _buffered -= next.Body.Length + Overhead;
            string? mismatch = next.Index != a.Index ? $"body #{next.Index} arrived where #{a.Index} ({a.SecoKind}) was announced"
                : next.Body.Length != a.Bytes ? $"the body of {a.SecoKind} #{a.Index} has {next.Body.Length} bytes, not the {a.Bytes} announced"
                : !SHA256.HashData(next.Body).AsSpan().SequenceEqual(a.Sha256) ? $"the body of {a.SecoKind} #{a.Index} does not match its announced SHA-256"
                : null;
            if (mismatch is not null)
            {
                _broken = mismatch;
                continue;
            }
            yield return SecoSerializer.Receive(next.Body, a.SecoKind);
        }
    }

    private static ReceivedSecoMessage Broken(string problem) => new(BulkAnnouncement.Manifest, 0, null, $"bulk lane: {problem}", null);
}
