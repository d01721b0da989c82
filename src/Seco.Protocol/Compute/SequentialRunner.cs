namespace Seco.Protocol.Compute;

/// <summary>One core: the iterations in order on the calling thread.</summary>
public sealed class SequentialRunner : IKernelRunner
{
    public int Cores => 1;

    public void For(int count, Action<int> body)
    {
        KernelRunner.CheckCount(count);
        ArgumentNullException.ThrowIfNull(body);
        for (int i = 0; i < count; i++)
            body(i);
    }
}
