using Seco.Actors.Transport;
using Seco.MessagePack;

namespace Seco.Actors.Tests;

/// <summary>
/// The request ids of a frame header come from the wire: they must be non-negative, and a bad one is reported with
/// the id it is (request or in-reply-to), its value, the range and its byte offset, while the header keeps what was
/// read before it.
/// </summary>
public class FrameTests
{
    private static readonly MessageRegistry Registry = TestKit.Registry();

    // [0x95, "/svc" (5 bytes), "/x" (3 bytes), request id, in-reply-to, message]: the request id is at byte 9.
    private const int RequestIdAt = 9;

    [Fact]
    public void Ids_up_to_long_max_round_trip()
    {
        byte[] bytes = Frame.Encode(Registry, "/svc", "/x", 7, long.MaxValue, new Pong(3), new SessionId(1));
        DecodedFrame frame = Frame.Decode(Registry, bytes);
        Assert.Equal(7, frame.Header.RequestId);
        Assert.Equal(long.MaxValue, frame.Header.InReplyTo);
        Assert.Equal(new Pong(3), frame.Message);
    }

    [Fact]
    public void Negative_request_id_is_rejected_at_its_offset()
    {
        byte[] bytes = Frame.Encode(Registry, "/svc", "/x", -1, 0, new Pong(1), new SessionId(1));
        var e = Assert.Throws<FrameFormatException>(() => Frame.Decode(Registry, bytes));
        Assert.Equal($"malformed frame: MessagePack: at byte {RequestIdAt}: request id -1 is out of range 0..9223372036854775807", e.Message);
        Assert.Equal(RequestIdAt, Assert.IsType<MessagePackException>(e.InnerException).Offset);
        Assert.Equal("/x", e.Header.FromPath);
    }

    [Fact]
    public void Negative_in_reply_to_is_named_as_such()
    {
        // request id 3 is one byte (positive fixint), so in-reply-to starts one byte later.
        byte[] bytes = Frame.Encode(Registry, "/svc", "/x", 3, long.MinValue, new Pong(1), new SessionId(1));
        var e = Assert.Throws<FrameFormatException>(() => Frame.Decode(Registry, bytes));
        Assert.Equal($"malformed frame: MessagePack: at byte {RequestIdAt + 1}: in-reply-to request id {long.MinValue} is out of range 0..9223372036854775807", e.Message);
        Assert.Equal(3, e.Header.RequestId);
    }

    [Fact]
    public void Request_id_of_another_type_names_the_field()
    {
        byte[] good = Frame.Encode(Registry, "/svc", "/x", 0, 0, new Pong(1), new SessionId(1));
        byte[] bad = [.. good[..RequestIdAt], 0xc0, .. good[(RequestIdAt + 1)..]]; // request id 0 replaced by nil
        var e = Assert.Throws<FrameFormatException>(() => Frame.Decode(Registry, bad));
        Assert.Equal($"malformed frame: MessagePack: at byte {RequestIdAt}: expected request id (an integer in 0..9223372036854775807), found Nil (nil, 0xc0)", e.Message);
    }
}
