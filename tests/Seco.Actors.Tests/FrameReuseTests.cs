using Seco.Actors.Transport;

namespace Seco.Actors.Tests;

/// <summary>
/// Frames are rented and given back once decoded (issue 19): a frame reused for the next message of the same length,
/// remote or local, must leave every message already delivered intact.
/// </summary>
public class FrameReuseTests
{
    private static byte[] Payload(int length, byte fill)
    {
        var p = new byte[length];
        for (int k = 0; k < length; k++) p[k] = (byte)(fill + k);
        return p;
    }

    [Theory]
    [InlineData("B")]   // remote: the simulator gives the frame back after the receiver decoded it
    [InlineData("A")]   // local: the system gives it back after its own delivery
    public void Messages_delivered_in_reused_frames_keep_their_own_payloads(string receiverParty)
    {
        Simulator sim = TestKit.Sim(new LinkModel(1, 1000), "A", "B");
        var received = new List<byte[]>();
        var (sink, _) = sim.Party(receiverParty).SpawnScript("sink", (ctx, m) => received.Add(((Ping)m).Payload));
        sim.Run();
        ActorRef to = sim.Party("A").RefFor(sink.Address);
        for (int round = 0; round < 6; round++)
        {
            to.Tell(new Ping(round, Payload(300_000, (byte)(17 * round))));
            sim.Run(); // one at a time, so each frame is back in the pool before the next of the same length is rented
        }
        Assert.Equal(6, received.Count);
        for (int round = 0; round < 6; round++) Assert.Equal(Payload(300_000, (byte)(17 * round)), received[round]);
    }
}
