using System.Collections.Concurrent;
using System.Reflection;
using Seco.MessagePack;

namespace Seco.Actors.Tests.Review19b;

/// <summary>Tests that read the process-wide <see cref="ExactArrayPool.Shared"/> run alone: no other test returns to it meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedPoolCollection
{
    public const string Name = "shared exact-array pool (runs alone)";
}

/// <summary>
/// Security review 19b: frames are rented and given back once decoded. Frames that do not reach a handler — malformed
/// bodies, dead letters, watch requests, a crashed receiver, a dropped link — must neither keep a reference into the
/// frame nor give it back twice, so that every message delivered later in a reused frame of the same length keeps its
/// own bytes.
/// </summary>
[Trait("Category", "SecurityReview19b")]
[Collection(SharedPoolCollection.Name)]
public class HostileFrameReuseReviewTests
{
    private static byte[][] Pooled()
    {
        var free = (ConcurrentDictionary<int, ConcurrentBag<byte[]>>)typeof(ExactArrayPool)
            .GetField("_free", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(ExactArrayPool.Shared)!;
        return [.. free.Values.SelectMany(bag => bag.ToArray())];
    }

    private static string Tag(int round, char salt) => new string((char)('a' + round % 26), 200_000) + salt + round;

    [Fact]
    public void Frames_lost_or_refused_on_every_path_leave_later_messages_in_reused_frames_intact()
    {
        Simulator sim = TestKit.Sim(new LinkModel(1, 1000), "A", "B", "C", "D");
        var work = new List<Work>();
        var (sink, _) = sim.Party("B").SpawnScript("sink", (ctx, m) => { if (m is Work w) work.Add(w); });
        var (c, _) = sim.Party("C").SpawnScript("c", (_, _) => { });
        var (d, _) = sim.Party("D").SpawnScript("d", (_, _) => { });
        var terminated = new List<Terminated>();
        var (driver, _) = sim.Party("A").SpawnScript("driver", (ctx, m) =>
        {
            if (m is Terminated t) terminated.Add(t);
            if (m is not Pong p) return;
            int round = p.Hop;
            ActorRef ghost = ctx.RefFor(new ActorAddress(sink.Address.Node, "/ghost"));
            // Same lengths as the good message that follows, so the pool hands these frames to it.
            ctx.Send(ctx.RefFor(sink.Address), new Work(-1, Tag(round, 'x')));   // the codec refuses a negative millis
            ctx.Send(ghost, new Work(1, Tag(round, 'y')));                       // a dead letter
            ctx.Watch(ghost);                                                   // a watch request for nobody
            ctx.Send(ctx.RefFor(c.Address), new Work(1, Tag(round, 'z')));      // C has crashed
            ctx.Send(ctx.RefFor(d.Address), new Work(1, Tag(round, 'w')));      // the link to D is down
            ctx.Send(ctx.RefFor(sink.Address), new Work(1, Tag(round, 'v')));   // the good one
        });
        sim.Run();
        sim.StopPartyAt("C", TimeSpan.Zero);
        sim.DropLinkAt("A", "D", TimeSpan.Zero);
        sim.Run();
        for (int round = 0; round < 5; round++)
        {
            driver.Tell(new Pong(round));
            sim.Run();
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(r => new Work(1, Tag(r, 'v'))), work);
        Assert.Equal(5, terminated.Count);
        Assert.Equal(5, sim.Party("B").DeadLetters.Count(dl => dl.To == "/ghost" && dl.Kind == "test.work"));
        Assert.Equal(5, sim.Party("B").EventCounts.Failures + sim.Party("B").EventCounts.RejectedFrames);
        byte[][] held = Pooled();
        Assert.Equal(held.Length, held.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(held.Sum(a => (long)a.Length), ExactArrayPool.Shared.HeldBytes);
    }
}
