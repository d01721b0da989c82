using System.Security.Cryptography;
using Seco.Cluster.Bulk;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Xunit;

namespace Seco.Cluster.Tests.Review2;

/// <summary>
/// Security review 2 (bulk lane): what a peer's bulk connection can make the receiving run's <see cref="InboundLink"/>
/// hold or believe. Each test asserts the secure behaviour, so it fails while the hole exists.
/// </summary>
[Trait("Category", "SecurityReview2")]
public sealed class InboundLinkAbuseTests
{
    private static byte[] Small(int query) => SecoCodecs.Encode(new QueryReady(query));

    private static BulkAnnouncement Announce(byte[] body, long index) => new("seco.query-ready", body.Length, SHA256.HashData(body), index);

    /// <summary>
    /// The pinned garbler B sends a stream of empty frames (4 bytes each on the wire: a zero length) on its bulk
    /// connection for the current run, never announced. The 1 GiB cap counts body bytes only, so empty (or tiny)
    /// bodies are never counted: every one is queued (a BulkBody, an array and a queue entry, ~100 bytes of heap for 4
    /// bytes of wire), without bound. 1 GiB of wire is ~25 GiB of heap. Announcements are at least 1 byte, so an empty
    /// frame can never be a body; and no honest peer is even thousands of bodies ahead of its announcements.
    /// </summary>
    [Fact]
    public void Empty_frames_ahead_of_announcements_are_bounded()
    {
        var link = new InboundLink();
        const int frames = 1_000_000;
        for (long i = 0; i < frames; i++) link.Body(new BulkBody("B", 1, 1, i, []));
        link.Delivered(Announce(Small(1), 0));
        link.Delivered(Announce(Small(2), 1)); // (a second one, so a mismatch on the first is reported at all)
        ReceivedSecoMessage[] got = [.. link.Ready()];
        Assert.True(got.Length == 1 && got[0].Problem?.Contains("ahead of its announcements", StringComparison.Ordinal) == true,
            $"{frames} unannounced empty bodies were all queued; then: {string.Join("; ", got.Select(g => g.Problem))}");
    }

    /// <summary>
    /// The pinned garbler B announces its message honestly on the Delivery link but sends other bytes on the bulk
    /// lane (or the wrong size or index). When that message is the last one on the link for now — as every message is
    /// before B waits for an answer — <see cref="InboundLink.Ready"/> drops the announcement, marks the link broken and
    /// yields nothing: the run is neither told nor failed, and hangs until the next delivery on that link (the 10 min
    /// query deadline, or forever in the setup phase, which has no deadline).
    /// </summary>
    [Fact]
    public void A_body_that_does_not_match_the_last_announcement_fails_the_run_at_once()
    {
        var link = new InboundLink();
        link.Delivered(Announce(Small(1), 0));
        link.Body(new BulkBody("B", 1, 1, 0, Small(2)));
        ReceivedSecoMessage m = Assert.Single(link.Ready());
        Assert.True(m.IsMalformed);
        Assert.Contains("does not match its announced SHA-256", m.Problem);
    }

    /// <summary>
    /// Run numbers restart at 1 with a new gateway incarnation, and the node actor forwards bulk bodies and ends by run
    /// number alone. The end of a bulk connection of an earlier run with the same number (B's connection of the old
    /// gateway's run 1 closing late) reaches the new run's link before B's new connection sends its first body: the new
    /// run then fails "its bulk connection closed before the body … arrived" although B's new connection is fine.
    /// (A stale body of that connection instead fails it as "a second bulk connection".) The hello names only server
    /// and run, so nothing tells the two connections apart.
    /// </summary>
    [Fact]
    public void The_end_of_a_stale_connection_with_the_same_run_number_does_not_fail_the_new_run()
    {
        var link = new InboundLink();
        link.Ended(new BulkEnded("B", 1, Connection: 7, Problem: null)); // the previous incarnation's run 1
        link.Delivered(Announce(Small(1), 0));
        var seen = link.Ready().ToList();
        link.Body(new BulkBody("B", 1, Connection: 8, Index: 0, Small(1)));  // the new run's connection
        seen.AddRange(link.Ready());
        Assert.All(seen, m => Assert.False(m.IsMalformed, m.Problem));
        Assert.Equal(1, ((QueryReady)Assert.Single(seen).Message!).Query);
    }
}
