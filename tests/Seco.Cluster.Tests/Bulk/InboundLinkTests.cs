using System.Security.Cryptography;
using Seco.Cluster.Bulk;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Xunit;

namespace Seco.Cluster.Tests.Bulk;

/// <summary>
/// <see cref="InboundLink"/> puts a peer's Delivery messages and bulk bodies back in order, and refuses bodies that do
/// not match what was announced (docs/cluster.md, "Bulk lane").
/// </summary>
public sealed class InboundLinkTests
{
    private static readonly byte[] Big = SecoCodecs.Encode(new MaskShares(3, [RandomNumberGenerator.GetBytes(40_000)]));

    private static byte[] Small(int query) => SecoCodecs.Encode(new QueryReady(query));

    private static BulkAnnouncement Announce(byte[] body, long index, string kind = "seco.mask-shares") =>
        new(kind, body.Length, SHA256.HashData(body), index);

    private static BulkBody Body(byte[] body, long index, long connection = 1) => new("B", 1, connection, index, body);

    [Fact]
    public void Messages_are_handed_on_in_announcement_order_once_their_bodies_are_in()
    {
        var link = new InboundLink();
        link.Delivered(Announce(Small(1), 0, "seco.query-ready"));
        link.Delivered(Announce(Big, 1));
        link.Delivered(Announce(Small(2), 2, "seco.query-ready"));
        Assert.Empty(link.Ready());

        link.Body(Body(Small(1), 0));
        Assert.Equal(1, ((QueryReady)Assert.Single(link.Ready()).Message!).Query);
        link.Body(Body(Big, 1));
        link.Body(Body(Small(2), 2));
        ReceivedSecoMessage[] next = link.Ready().ToArray();
        Assert.Equal(2, next.Length);
        Assert.Equal(3, Assert.IsType<MaskShares>(next[0].Message).Query);
        Assert.Equal(Big.Length, next[0].BodyBytes);
        Assert.Equal(2, ((QueryReady)next[1].Message!).Query);
        Assert.Empty(link.Ready());
    }

    [Fact]
    public void A_body_on_the_Delivery_link_itself_is_refused()
    {
        var link = new InboundLink();
        link.Delivered(SecoSerializer.Receive(Small(5), "seco.query-ready"));
        ReceivedSecoMessage m = Assert.Single(link.Ready());
        Assert.True(m.IsMalformed);
        Assert.Equal(5, m.Query);
        Assert.Contains("arrived on the Delivery link, where only announcements travel", m.Problem);
    }

    [Fact]
    public void A_body_that_arrives_before_its_announcement_waits_for_it()
    {
        var link = new InboundLink();
        link.Body(Body(Big, 0));
        Assert.Empty(link.Ready());
        link.Delivered(Announce(Big, 0));
        Assert.IsType<MaskShares>(Assert.Single(link.Ready()).Message);
    }

    [Fact]
    public void A_body_whose_hash_size_or_index_differs_from_its_announcement_breaks_the_link()
    {
        byte[] other = (byte[])Big.Clone();
        other[^1] ^= 1;
        Assert.Contains("does not match its announced SHA-256", Problem(Announce(Big, 0), Body(other, 0)));
        Assert.Contains($"has {Big.Length - 1} bytes, not the {Big.Length} announced", Problem(Announce(Big, 0), Body(Big[..^1], 0)));
        Assert.Contains("body #0 arrived where #1 (seco.mask-shares) was announced", Problem(Announce(Big, 1), Body(Big, 0)));
    }

    [Fact]
    public void A_second_bulk_connection_breaks_the_link()
    {
        var link = new InboundLink();
        link.Body(Body(Big, 0, connection: 1));
        link.Body(Body(Big, 0, connection: 2));
        link.Delivered(Announce(Big, 0));
        ReceivedSecoMessage m = Assert.Single(link.Ready());
        Assert.True(m.IsMalformed);
        Assert.Contains("second bulk connection", m.Problem);
    }

    [Fact]
    public void An_announcement_after_the_connection_closed_breaks_the_link_at_once()
    {
        var link = new InboundLink();
        link.Body(Body(Big, 0));
        link.Ended(new BulkEnded("B", 1, 1, "connection reset by peer"));
        link.Delivered(Announce(Big, 0));
        Assert.IsType<MaskShares>(Assert.Single(link.Ready()).Message);
        link.Delivered(Announce(Big, 1));
        ReceivedSecoMessage m = Assert.Single(link.Ready());
        Assert.Null(m.Query);
        Assert.Contains("its bulk connection broke: connection reset by peer before the body of seco.mask-shares #1 arrived", m.Problem);
    }

    private static string Problem(BulkAnnouncement announced, BulkBody arrived)
    {
        var link = new InboundLink();
        link.Delivered(announced);
        link.Delivered(Announce(Small(9), 1, "seco.query-ready"));
        link.Body(arrived);
        ReceivedSecoMessage m = Assert.Single(link.Ready());
        Assert.True(m.IsMalformed);
        Assert.Null(m.Query);
        return m.Problem!;
    }
}
