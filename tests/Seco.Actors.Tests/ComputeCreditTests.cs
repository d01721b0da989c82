using System.Diagnostics;
using Seco.Actors.Metering;

namespace Seco.Actors.Tests;

/// <summary>
/// <see cref="ActorContext.CreditCompute"/>: measured time that ran in parallel on a party with several cores is given
/// back — virtual = max(0, measured − credit) × slowdown + charged × slowdown, per phase segment; ChargedOnly ignores it.
/// </summary>
public class ComputeCreditTests
{
    private const double Slowdown = 2;

    [Fact]
    public void ACreditComesOffTheMeasuredTimeBeforeTheSlowdown()
    {
        PhaseCosts work = RunOne(ComputeTiming.Measured, ctx =>
        {
            Spin(TimeSpan.FromMilliseconds(30));
            ctx.CreditCompute(TestKit.Ms(20));
        });

        // Measured is what this machine took (the credit does not change it); virtual is (measured − 20 ms) × 2.
        Assert.True(work.MeasuredComputeSeconds >= 0.030, $"measured {work.MeasuredComputeSeconds} s");
        Assert.Equal(Math.Round((work.MeasuredComputeSeconds * 1e9 - TestKit.Ms(20)) * Slowdown) / 1e9, work.ComputeSeconds, 9);
        Assert.True(work.ComputeSeconds < 2 * work.MeasuredComputeSeconds - 0.039, $"virtual {work.ComputeSeconds} s");
    }

    [Fact]
    public void ACreditLargerThanTheMeasuredTimeLeavesOnlyTheChargedTime()
    {
        PhaseCosts work = RunOne(ComputeTiming.Measured, ctx =>
        {
            ctx.ChargeCompute(TimeSpan.FromMilliseconds(5));
            ctx.CreditCompute(TestKit.Ms(10_000)); // far more than the handler measured: never eats into charged time
        });

        Assert.Equal(TestKit.Ms(5 * Slowdown) / 1e9, work.ComputeSeconds, 9);
    }

    [Fact]
    public void UnderChargedOnlyACreditChangesNothing()
    {
        PhaseCosts work = RunOne(ComputeTiming.ChargedOnly, ctx =>
        {
            ctx.ChargeCompute(TimeSpan.FromMilliseconds(7));
            ctx.CreditCompute(TestKit.Ms(3));
        });

        Assert.Equal(TestKit.Ms(7 * Slowdown) / 1e9, work.ComputeSeconds, 9);
        Assert.Equal(0, work.MeasuredComputeSeconds);
    }

    [Fact]
    public void ACreditStaysInThePhaseSegmentItWasGivenIn()
    {
        Simulator sim = Sim(ComputeTiming.Measured);
        var (worker, _) = sim.Party("W").SpawnScript("w", (ctx, m) =>
        {
            ctx.Phase = "parallel";
            Spin(TimeSpan.FromMilliseconds(10));
            ctx.CreditCompute(TestKit.Ms(10_000));
            ctx.Phase = "serial"; // a new segment: the surplus credit does not carry over
            Spin(TimeSpan.FromMilliseconds(10));
        });
        sim.Run();
        worker.Tell(new Work(0, ""), new SessionId(1));
        sim.Run();

        var phases = sim.Report().Parties.Single(p => p.Party == "W").Phases.ToDictionary(p => p.Phase);
        Assert.Equal(0, phases["parallel"].ComputeSeconds);
        Assert.True(phases["serial"].ComputeSeconds >= Slowdown * 0.010, $"serial {phases["serial"].ComputeSeconds} s");
        // The handler's span (which keeps W busy) is the sum of its segments' virtual times, so the credit shortens it:
        // without it, the parallel segment's 10 ms would have added 20 ms.
        long span = sim.Spans.Single(s => s.Party == "W" && s.Kind == "test.work").DurationNs;
        double serial = phases["serial"].ComputeSeconds, parallel = Slowdown * phases["parallel"].MeasuredComputeSeconds;
        Assert.InRange(span / 1e9, serial, serial + parallel - 0.005);
    }

    [Fact]
    public void ACreditIsRefusedOutsideAHandlerAndWhenNegative()
    {
        Simulator sim = Sim(ComputeTiming.Measured);
        ActorContext? kept = null;
        Exception? negative = null;
        var (worker, _) = sim.Party("W").SpawnScript("w", (ctx, m) =>
        {
            kept = ctx;
            negative = Record.Exception(() => ctx.CreditCompute(-1));
        });
        sim.Run();
        worker.Tell(new Work(0, ""), new SessionId(1));
        sim.Run();

        Assert.IsType<ArgumentOutOfRangeException>(negative);
        Assert.Throws<InvalidOperationException>(() => kept!.CreditCompute(1));
    }

    private static PhaseCosts RunOne(ComputeTiming timing, Action<ActorContext> handler)
    {
        Simulator sim = Sim(timing);
        var (worker, _) = sim.Party("W").SpawnScript("w", (ctx, m) =>
        {
            ctx.Phase = "work";
            handler(ctx);
        });
        sim.Run();
        worker.Tell(new Work(0, ""), new SessionId(1));
        sim.Run();
        return sim.Report().Parties.Single(p => p.Party == "W").Phases.Single(p => p.Phase == "work");
    }

    private static Simulator Sim(ComputeTiming timing)
    {
        var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = timing, DefaultLink = new LinkModel(1, 1000) });
        sim.AddParty("W", new PartyModel(cpuSlowdown: Slowdown));
        return sim;
    }

    /// <summary>Busy-waits (the simulator measures wall time, so a sleep would count too, but a spin is what a kernel does).</summary>
    private static void Spin(TimeSpan duration)
    {
        long until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until) { }
    }
}
