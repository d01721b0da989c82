namespace Seco.Protocol.Compute;

/// <summary>
/// The kernel runner of the role call on this thread: set by the host around each call into a role
/// (<see cref="Use"/>), so roles need no runner in their signatures; the default is <see cref="Sequential"/>.
/// </summary>
public static class KernelRunner
{
    [ThreadStatic] private static IKernelRunner? t_current;

    /// <summary>One core: iterations in order on the calling thread.</summary>
    public static IKernelRunner Sequential { get; } = new SequentialRunner();

    public static IKernelRunner Current => t_current ?? Sequential;

    /// <summary><see cref="IKernelRunner.For"/> on the current runner.</summary>
    public static void For(int count, Action<int> body) => Current.For(count, body);

    /// <summary>Makes <paramref name="runner"/> current on this thread until the returned scope is disposed (scopes nest).</summary>
    public static Scope Use(IKernelRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        IKernelRunner? previous = t_current;
        t_current = runner;
        return new Scope(previous);
    }

    /// <summary>Restores the runner that was current before <see cref="Use"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly IKernelRunner? _previous;

        internal Scope(IKernelRunner? previous) => _previous = previous;

        public void Dispose() => t_current = _previous;
    }

    internal static void CheckCount(int count) => ArgumentOutOfRangeException.ThrowIfNegative(count);

    /// <summary>
    /// Checks a region's arguments and runs it in order when there is nothing to spread (one iteration, or one core);
    /// true when it ran. The runners with several cores share this start.
    /// </summary>
    internal static bool RanAlone(int cores, int count, Action<int> body)
    {
        CheckCount(count);
        ArgumentNullException.ThrowIfNull(body);
        if (count > 1 && cores > 1) return false;
        Sequential.For(count, body);
        return true;
    }

    internal static void CheckCores(int cores) => ArgumentOutOfRangeException.ThrowIfLessThan(cores, 1);
}
