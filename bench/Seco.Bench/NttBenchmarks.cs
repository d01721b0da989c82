using BenchmarkDotNet.Attributes;
using Seco.Lattice.Ring;

namespace Seco.Bench;

/// <summary>
/// One-limb negacyclic NTT (forward and inverse) with the 44-bit SEAL BFVDefault prime 0xfffffffc001, plus the
/// throughput of Barrett vs Shoup modular multiplication over an n-element array.
/// Reference: native SEAL 4.4 inverse NTT, one limb, n = 8192 ≈ 107 µs on a comparable 2-core machine.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class NttBenchmarks
{
    private const ulong Prime44 = 0xfffffffc001;

    private Modulus _modulus = null!;
    private NttTables _tables = null!;
    private ulong[] _data = [];
    private ulong[] _source = [];
    private ulong[] _operand = [];
    private ulong _w;
    private ulong _wShoup;

    [Params(4096, 8192)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _modulus = new Modulus(Prime44);
        _tables = new NttTables(N, _modulus);
        var rng = new Random(42);
        _source = Enumerable.Range(0, N).Select(_ => (ulong)rng.NextInt64(0, (long)Prime44)).ToArray();
        _operand = Enumerable.Range(0, N).Select(_ => (ulong)rng.NextInt64(0, (long)Prime44)).ToArray();
        _data = (ulong[])_source.Clone();
        _w = (ulong)rng.NextInt64(0, (long)Prime44);
        _wShoup = _modulus.ShoupPrecompute(_w);
    }

    // Both transforms map [0, q) to [0, q) in place, so re-transforming the same buffer every iteration is valid and
    // data-independent in cost (no branches on values).
    [Benchmark]
    public void NttForward() => NegacyclicNtt.Forward(_data, _tables);

    [Benchmark]
    public void NttInverse() => NegacyclicNtt.Inverse(_data, _tables);

    /// <summary>n Barrett products of two arrays (as in an NTT-domain pointwise multiply).</summary>
    [Benchmark]
    public ulong MultiplyBarrett()
    {
        Modulus m = _modulus;
        ulong[] a = _source, b = _operand;
        ulong acc = 0;
        for (int i = 0; i < a.Length; i++)
        {
            acc ^= m.Multiply(a[i], b[i]);
        }

        return acc;
    }

    /// <summary>n products of an array by a fixed constant using its precomputed Shoup quotient.</summary>
    [Benchmark]
    public ulong MultiplyShoup()
    {
        Modulus m = _modulus;
        ulong[] a = _source;
        ulong w = _w, ws = _wShoup;
        ulong acc = 0;
        for (int i = 0; i < a.Length; i++)
        {
            acc ^= m.MultiplyShoup(a[i], w, ws);
        }

        return acc;
    }
}
