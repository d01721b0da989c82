using Xunit;

namespace Seco.Tests.Shared;

/// <summary>
/// Tests that bound an algorithm's CPU time run in this collection, alone in their process after the parallel
/// tests: a garbage collection triggered by their allocations is charged to their thread, and it takes longer
/// while another test (a secure run) holds a large heap, which could double a measured time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedCollection
{
    public const string Name = "timed (runs alone)";
}
