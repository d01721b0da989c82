namespace Seco.Protocol.Compute;

/// <summary>
/// Where a role's data-parallel kernels run (issue 22, multi-core parties): a loop of independent iterations — one
/// output ciphertext's decryption share, one block's product — handed to <see cref="For"/> may run on up to
/// <see cref="Cores"/> cores. Iterations must not depend on each other nor on the order they run in, and must write
/// only their own slots of shared arrays, so the result is the same whatever runner runs them. Roles reach the current
/// runner through <see cref="KernelRunner.Current"/>, which the host sets around each call into the role.
/// </summary>
public interface IKernelRunner
{
    /// <summary>Cores the party has (1: no parallelism).</summary>
    int Cores { get; }

    /// <summary>Runs <paramref name="body"/>(i) for i in 0..count−1 and returns when all are done; the first exception thrown is rethrown.</summary>
    void For(int count, Action<int> body);
}
