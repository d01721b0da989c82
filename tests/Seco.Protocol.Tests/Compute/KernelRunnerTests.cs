using System.Diagnostics;
using Seco.Protocol.Compute;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Compute;

/// <summary>The kernel runners (issue 22, multi-core parties): the ambient runner, greedy makespan, Timed's credit, Threaded.</summary>
public class KernelRunnerTests
{
    [Theory]
    [InlineData(new long[] { 5, 5, 5, 5 }, 1, 20)]
    [InlineData(new long[] { 5, 5, 5, 5 }, 2, 10)]
    [InlineData(new long[] { 5, 5, 5, 5 }, 8, 5)]
    [InlineData(new long[] { 7, 3, 3, 3 }, 2, 9)] // 7 | 3 3 3: the greedy order, not the optimum (which is also 9 here)
    [InlineData(new long[] { 2, 2, 4 }, 2, 6)] // in order: 2 | 2, then 4 on core 0 → 6 (the optimum would be 4)
    [InlineData(new long[] { }, 4, 0)]
    public void Greedy_list_scheduling_puts_each_iteration_on_the_core_free_first(long[] durations, int cores, long expected) =>
        Assert.Equal(expected, Makespan.Greedy(durations, cores));

    [Fact]
    public void The_ambient_runner_is_sequential_by_default_and_scopes_nest()
    {
        Assert.Same(KernelRunner.Sequential, KernelRunner.Current);
        var outer = new TimedRunner(4);
        using (KernelRunner.Use(outer))
        {
            Assert.Same(outer, KernelRunner.Current);
            var inner = new ThreadedRunner(2);
            using (KernelRunner.Use(inner))
                Assert.Same(inner, KernelRunner.Current);
            Assert.Same(outer, KernelRunner.Current);
        }
        Assert.Same(KernelRunner.Sequential, KernelRunner.Current);
    }

    [Fact]
    public void Timed_runs_every_iteration_in_order_on_the_calling_thread_and_credits_sum_less_makespan()
    {
        var credits = new List<long>();
        var runner = new TimedRunner(2, credits.Add);
        var order = new List<int>();
        int thread = Environment.CurrentManagedThreadId;
        runner.For(4, i =>
        {
            Assert.Equal(thread, Environment.CurrentManagedThreadId);
            order.Add(i);
            Spin(TimeSpan.FromMilliseconds(10));
        });

        Assert.Equal([0, 1, 2, 3], order);
        // Four 10 ms iterations on two cores: 40 ms of work in 20 ms, so 20 ms saved (one region, one credit). Each
        // core runs two iterations of at least 10 ms, so at least 20 ms; a preempted iteration can only add.
        long saved = Assert.Single(credits);
        Assert.Equal(saved, runner.SavedNs);
        Assert.InRange(saved, 19_900_000, 40_000_000);
    }

    [Fact]
    public void Timed_gives_no_credit_with_one_core_or_one_iteration_nor_for_a_nested_region()
    {
        var credits = new List<long>();
        new TimedRunner(1, credits.Add).For(3, _ => Spin(TimeSpan.FromMilliseconds(2)));
        new TimedRunner(8, credits.Add).For(1, _ => Spin(TimeSpan.FromMilliseconds(2)));
        Assert.Empty(credits);

        var runner = new TimedRunner(8, credits.Add);
        using (KernelRunner.Use(runner))
            // The outer region holds the cores: the inner loop runs sequentially and is not credited a second time.
            runner.For(2, _ => KernelRunner.For(2, _ => Spin(TimeSpan.FromMilliseconds(5))));
        long saved = Assert.Single(credits); // two outer iterations of 2 × 5 ms at once: 10 ms saved
        Assert.InRange(saved, 9_900_000, 20_000_000);
    }

    [Fact]
    public void Threaded_runs_iterations_at_the_same_time()
    {
        // Two iterations that each wait for the other: only concurrent iterations get past the barrier.
        using var barrier = new Barrier(2);
        var met = new bool[2];
        new ThreadedRunner(2).For(2, i => met[i] = barrier.SignalAndWait(TimeSpan.FromSeconds(30)));
        Assert.Equal([true, true], met);
    }

    [Fact]
    public void Threaded_fills_every_slot_and_rethrows_an_iterations_own_exception()
    {
        var squares = new long[1000];
        new ThreadedRunner(4).For(squares.Length, i => squares[i] = (long)i * i);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i * i), squares);

        // Roles tell a protocol violation from a bug by its type: not wrapped in an AggregateException.
        Assert.Throws<ProtocolViolationException>(() =>
            new ThreadedRunner(4).For(8, i => { if (i == 5) throw new ProtocolViolationException("bad share"); }));
    }

    [Fact]
    public void Runners_refuse_no_cores_and_negative_counts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimedRunner(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThreadedRunner(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelRunner.Sequential.For(-1, _ => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Makespan.Greedy([1, -1], 2));
    }

    private static void Spin(TimeSpan duration)
    {
        long until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until) { }
    }
}
