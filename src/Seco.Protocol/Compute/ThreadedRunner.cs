using System.Runtime.ExceptionServices;

namespace Seco.Protocol.Compute;

/// <summary>
/// Real cores (the cluster runtime): the iterations on up to <see cref="Cores"/> threads of the thread pool at once.
/// A kernel inside an iteration runs sequentially (the party's cores are already in use).
/// </summary>
public sealed class ThreadedRunner : IKernelRunner
{
    private readonly ParallelOptions _options;

    public ThreadedRunner(int cores)
    {
        KernelRunner.CheckCores(cores);
        Cores = cores;
        _options = new ParallelOptions { MaxDegreeOfParallelism = cores };
    }

    public int Cores { get; }

    public void For(int count, Action<int> body)
    {
        if (KernelRunner.RanAlone(Cores, count, body))
            return;
        try
        {
            Parallel.For(0, count, _options, i =>
            {
                using KernelRunner.Scope nested = KernelRunner.Use(KernelRunner.Sequential);
                body(i);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Roles tell a protocol violation from a bug by the exception's type: keep it.
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
