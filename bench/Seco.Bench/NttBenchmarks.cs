using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Seco.Lattice.Ring;

namespace Seco.Bench;

/// <summary>
/// One-limb negacyclic NTT (forward and inverse) with the 44-bit SEAL BFVDefault prime 0xfffffffc001, the throughput
/// of scalar Barrett vs Shoup modular multiplication over an n-element array, and the RnsPoly product kernels on one
/// limb.
/// <see cref="NttForward"/> / <see cref="NttInverse"/> measure the path the library dispatches to (column "ISA", e.g.
/// AVX-512); the *Scalar and *Avx2 variants force the other implementations so the table compares them side by side
/// (the Avx2 rows fail on a machine without AVX2).
/// Reference (issue 19): native SEAL 4.4 without HEXL, one limb, n = 8192: forward ≈ 101 µs, inverse ≈ 70 µs on this
/// class of machine.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Config))]
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
    private ulong[] _operandShoup = [];
    private ulong[] _product = [];
    private ulong[] _scalar = [];
    private Modulus[] _moduli = [];

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
        _operandShoup = _operand.Select(_modulus.ShoupPrecompute).ToArray();
        _product = new ulong[N];
        _scalar = [_w];
        _moduli = [_modulus];
    }

    // Both transforms map [0, q) to [0, q) in place, so re-transforming the same buffer every iteration is valid and
    // data-independent in cost (no branches on values).
    [Benchmark]
    public void NttForward() => NegacyclicNtt.Forward(_data, _tables);

    [Benchmark]
    public void NttInverse() => NegacyclicNtt.Inverse(_data, _tables);

    [Benchmark]
    public void NttForwardScalar() => NegacyclicNtt.Forward(_data, _tables, NttIsa.Scalar);

    [Benchmark]
    public void NttInverseScalar() => NegacyclicNtt.Inverse(_data, _tables, NttIsa.Scalar);

    [Benchmark]
    public void NttForwardAvx2() => NegacyclicNtt.Forward(_data, _tables, NttIsa.Avx2);

    [Benchmark]
    public void NttInverseAvx2() => NegacyclicNtt.Inverse(_data, _tables, NttIsa.Avx2);

    /// <summary>RnsPoly.MultiplyPointwise on one limb (AVX-512 kernel; compare <see cref="MultiplyBarrett"/>, the scalar loop).</summary>
    [Benchmark]
    public void RnsMultiplyPointwise() => RnsPoly.MultiplyPointwise(_source, _operand, _product, _moduli, N);

    /// <summary>RnsPoly.MultiplyAddPointwise on one limb.</summary>
    [Benchmark]
    public void RnsMultiplyAddPointwise() => RnsPoly.MultiplyAddPointwise(_source, _operand, _product, _moduli, N);

    /// <summary>RnsPoly.MultiplyPointwiseShoup on one limb (multiply_plain by a cached NTT-form plaintext).</summary>
    [Benchmark]
    public void RnsMultiplyPointwiseShoup() => RnsPoly.MultiplyPointwiseShoup(_source, _operand, _operandShoup, _product, _moduli, N);

    /// <summary>RnsPoly.MultiplyScalar on one limb (compare <see cref="MultiplyShoup"/>, the scalar loop).</summary>
    [Benchmark]
    public void RnsMultiplyScalar() => RnsPoly.MultiplyScalar(_source, _scalar, _product, _moduli, N);

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

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new IsaColumn());
    }

    /// <summary>"ISA": the NTT implementation a row ran (the dispatched one for NttForward / NttInverse).</summary>
    private sealed class IsaColumn : IColumn
    {
        public string Id => nameof(IsaColumn);
        public string ColumnName => "ISA";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => false;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "NTT implementation the row measured (NegacyclicNtt.Isa for the dispatched methods)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => benchmarkCase.Descriptor.WorkloadMethod.Name switch
        {
            nameof(NttForward) or nameof(NttInverse) => NegacyclicNtt.Isa,
            nameof(NttForwardScalar) or nameof(NttInverseScalar) => NegacyclicNtt.Name(NttIsa.Scalar),
            nameof(NttForwardAvx2) or nameof(NttInverseAvx2) => NegacyclicNtt.Name(NttIsa.Avx2),
            nameof(RnsMultiplyPointwise) or nameof(RnsMultiplyAddPointwise) or nameof(RnsMultiplyPointwiseShoup) or nameof(RnsMultiplyScalar) =>
                NegacyclicNtt.Name(NegacyclicNtt.IsSupported(NttIsa.Avx512) ? NttIsa.Avx512 : NttIsa.Scalar),
            nameof(MultiplyBarrett) or nameof(MultiplyShoup) => NegacyclicNtt.Name(NttIsa.Scalar),
            _ => "-",
        };

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
        public override string ToString() => ColumnName;
    }
}
