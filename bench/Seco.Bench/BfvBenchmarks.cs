using BenchmarkDotNet.Attributes;
using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Serialization;

namespace Seco.Bench;

/// <summary>
/// One benchmark per BFV operation at n = 4096 and n = 8192 with SEAL's BFVDefault moduli and t = 1032193, the
/// settings of the reference figures (native SEAL 4.4 without HEXL, 2-core Xeon 2.5 GHz) that docs/benchmarks.md
/// compares against. Each benchmark runs the real operation on real keys; inputs are prepared in setup and, for the
/// evaluator operations, written into a preallocated destination as SEAL's own benchmarks do
/// (<c>evaluator.add(ct[0], ct[1], ct[2])</c>), so every invocation does identical work and allocates no ciphertext.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class BfvBenchmarks
{
    private BfvContext _context = null!;
    private KeyGenerator _keys = null!;
    private PublicKey _publicKey = null!;
    private RelinKeys _relinKeys = null!;
    private GaloisKeys _galoisKeys = null!;
    private GaloisKeys _galoisKeys16 = null!;
    private Encryptor _encryptor = null!;
    private Decryptor _decryptor = null!;
    private BatchEncoder _encoder = null!;
    private Evaluator _evaluator = null!;
    private ulong[] _values = [];
    private Plaintext _plain = null!;
    private Plaintext _plainNtt = null!;
    private Ciphertext _a = null!;
    private Ciphertext _b = null!;
    private Ciphertext _aNtt = null!;
    private Ciphertext _product = null!;
    private Ciphertext _destination = null!;
    private Ciphertext _destination3 = null!;
    private byte[] _serialized = [];

    [Params(4096, 8192)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _context = BfvContext.Create(N == 4096 ? BfvPresets.Default4096() : BfvPresets.Default8192());
        _keys = new KeyGenerator(_context);
        _publicKey = _keys.CreatePublicKey();
        _relinKeys = _keys.CreateRelinKeys();
        _galoisKeys = _keys.CreateGaloisKeys([1], includeRowSwap: false);
        _galoisKeys16 = _keys.CreateGaloisKeys([.. Enumerable.Range(1, 16)], includeRowSwap: false);
        _encryptor = new Encryptor(_context, _publicKey, _keys.SecretKey);
        _decryptor = new Decryptor(_context, _keys.SecretKey);
        _encoder = new BatchEncoder(_context);
        _evaluator = new Evaluator(_context);
        var random = new Random(1);
        ulong t = _context.PlainModulus.Value;
        _values = Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        _plain = _encoder.Encode(_values);
        _plainNtt = _evaluator.TransformToNtt(_plain);
        _a = _encryptor.Encrypt(_plain);
        _b = _encryptor.Encrypt(_encoder.Encode(_values.Reverse().ToArray()));
        _aNtt = _a.Clone();
        _evaluator.TransformToNtt(_aNtt);
        _product = _evaluator.Multiply(_a, _b);
        _destination = _a.Clone();
        _destination3 = _product.Clone();
        _serialized = BfvSerializer.Serialize(_a);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _encryptor.Dispose();
        _keys.Dispose();
    }

    [Benchmark]
    public SecretKey KeygenSecret()
    {
        using var generator = new KeyGenerator(_context);
        return generator.SecretKey;
    }

    [Benchmark]
    public PublicKey KeygenPublic() => _keys.CreatePublicKey();

    [Benchmark]
    public RelinKeys KeygenRelin() => _keys.CreateRelinKeys();

    [Benchmark]
    public GaloisKeys KeygenGaloisOneStep() => _keys.CreateGaloisKeys([1], includeRowSwap: false);

    [Benchmark]
    public Plaintext Encode() => _encoder.Encode(_values);

    [Benchmark]
    public ulong[] Decode() => _encoder.Decode(_plain);

    [Benchmark]
    public Ciphertext EncryptPublicKey() => _encryptor.Encrypt(_plain);

    [Benchmark]
    public Ciphertext EncryptSymmetric() => _encryptor.EncryptSymmetric(_plain);

    [Benchmark]
    public SeededCiphertext EncryptSymmetricSeeded() => _encryptor.EncryptSymmetricSeeded(_plain);

    [Benchmark]
    public Plaintext Decrypt() => _decryptor.Decrypt(_a);

    [Benchmark]
    public void Add() => _evaluator.Add(_a, _b, _destination);

    [Benchmark]
    public void MultiplyPlain() => _evaluator.MultiplyPlain(_a, _plain, _destination);

    /// <summary>NTT-form ciphertext times NTT-form plaintext: SEAL's multiply_plain on transformed operands.</summary>
    [Benchmark]
    public void MultiplyPlainNtt() => _evaluator.MultiplyPlain(_aNtt, _plainNtt, _destination);

    [Benchmark]
    public void Multiply() => _evaluator.Multiply(_a, _b, _destination3);

    [Benchmark]
    public void Relinearize() => _evaluator.Relinearize(_product, _relinKeys, _destination);

    [Benchmark]
    public void MultiplyRelinearize()
    {
        _evaluator.Multiply(_a, _b, _destination3);
        _evaluator.Relinearize(_destination3, _relinKeys, _destination);
    }

    [Benchmark]
    public byte[] SerializeCiphertext() => BfvSerializer.Serialize(_a);

    [Benchmark]
    public Ciphertext LoadCiphertext() => BfvSerializer.LoadCiphertext(_context, _serialized);

    [Benchmark]
    public void RotateRows1() => _evaluator.RotateRows(_a, 1, _galoisKeys, _destination);

    /// <summary>Hoisted rotations by 1..4 of one ciphertext (one key-switching decomposition, Halevi–Shoup); mean per
    /// rotation. SEAL has no hoisting: its row in bench/anchors/seal_bench.cpp is k separate rotate_rows.</summary>
    [Benchmark(OperationsPerInvoke = 4)]
    public Ciphertext[] RotateRowsHoisted4() => _evaluator.RotateRowsHoisted(_a, [1, 2, 3, 4], _galoisKeys16);

    /// <summary>As above for rotations by 1..16; mean per rotation.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public Ciphertext[] RotateRowsHoisted16() => _evaluator.RotateRowsHoisted(_a, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], _galoisKeys16);
}
