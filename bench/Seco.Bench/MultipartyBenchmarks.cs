using BenchmarkDotNet.Attributes;
using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;

namespace Seco.Bench;

/// <summary>
/// Multiparty BFV at the SECO preset (n = 8192, 4 data primes + 1 special, 41-bit t) for N = 3 and N = 8 parties:
/// for each protocol, one party's cost (<c>GenShare</c>, the "…Share" rows) and the aggregator's cost (summing all N
/// shares and finalizing, the "…Combine" rows). Inputs (secret shares, round-1 aggregate, ciphertexts, other parties'
/// shares) are prepared in setup from real keys, so every invocation does the protocol's real work. A party's cost
/// does not depend on N; it is measured at both N as a consistency check.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MultipartyBenchmarks
{
    private BfvContext _context = null!;
    private KeyGenerator[] _parties = [];
    private SecretKey _secret = null!;
    private CollectivePublicKeyGeneration _ckg = null!;
    private PolyShare[] _ckgShares = [];
    private CollectiveRelinearizationKeyGeneration _rkg = null!;
    private RelinearizationKeyEphemeral[] _ephemerals = [];
    private PolyShare[] _rkgRound1 = [];
    private PolyShare _rkgRound1Aggregate = null!;
    private PolyShare[] _rkgRound2 = [];
    private CollectiveRotationKeyGeneration _rtg = null!;
    private PolyShare[] _rtgShares = [];
    private CollectiveDecryption _decryption = null!;
    private Ciphertext _ciphertext = null!;
    private PolyShare[] _decryptionShares = [];
    private KeyGenerator _user = null!;
    private PublicKeySwitch _pcks = null!;
    private PolyShare[] _pcksShares = [];

    [Params(3, 8)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _context = BfvContext.Create(BfvPresets.Seco8192());
        _parties = Enumerable.Range(0, N).Select(_ => new KeyGenerator(_context)).ToArray();
        _secret = _parties[0].SecretKey;
        byte[] session = CommonReference.CreateSessionSeed();

        _ckg = new CollectivePublicKeyGeneration(_context, session);
        _ckgShares = _parties.Select(p => _ckg.GenShare(p.SecretKey)).ToArray();
        PublicKey cpk = _ckg.Finalize(_ckgShares.Aggregate(CollectivePublicKeyGeneration.Aggregate));

        _rkg = new CollectiveRelinearizationKeyGeneration(_context, session);
        _ephemerals = new RelinearizationKeyEphemeral[N];
        _rkgRound1 = _parties.Select((p, i) => _rkg.GenShareRoundOne(p.SecretKey, out _ephemerals[i])).ToArray();
        _rkgRound1Aggregate = _rkgRound1.Aggregate(CollectiveRelinearizationKeyGeneration.Aggregate);
        _rkgRound2 = _parties.Select((p, i) => _rkg.GenShareRoundTwo(p.SecretKey, _ephemerals[i], _rkgRound1Aggregate)).ToArray();

        _rtg = new CollectiveRotationKeyGeneration(_context, session, GaloisTool.ElementFromStep(1, _context.N));
        _rtgShares = _parties.Select(p => _rtg.GenShare(p.SecretKey)).ToArray();

        // A ciphertext after multiply_plain (noise < 2^60), as in the SECO path, at the top level.
        var encoder = new BatchEncoder(_context);
        var random = new Random(1);
        ulong t = _context.PlainModulus.Value;
        ulong[] values = Enumerable.Range(0, _context.N).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        using (var encryptor = new Encryptor(_context, cpk))
        {
            _ciphertext = new Evaluator(_context).MultiplyPlain(encryptor.Encrypt(encoder.Encode(values)), encoder.Encode(values));
        }

        _decryption = new CollectiveDecryption(_context, N, ciphertextNoiseBits: 60);
        _decryptionShares = _parties.Select(p => _decryption.GenShare(p.SecretKey, _ciphertext)).ToArray();

        _user = new KeyGenerator(_context);
        _pcks = new PublicKeySwitch(_context, _user.CreatePublicKey(), N, ciphertextNoiseBits: 60);
        _pcksShares = _parties.Select(p => _pcks.GenShare(p.SecretKey, _ciphertext)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (RelinearizationKeyEphemeral u in _ephemerals)
        {
            u.Dispose();
        }

        foreach (KeyGenerator p in _parties)
        {
            p.Dispose();
        }

        _user.Dispose();
    }

    [Benchmark]
    public PolyShare CkgShare() => _ckg.GenShare(_secret);

    [Benchmark]
    public PublicKey CkgCombine() => _ckg.Finalize(_ckgShares.Aggregate(CollectivePublicKeyGeneration.Aggregate));

    [Benchmark]
    public PolyShare RkgRound1Share()
    {
        PolyShare share = _rkg.GenShareRoundOne(_secret, out RelinearizationKeyEphemeral u);
        u.Dispose();
        return share;
    }

    [Benchmark]
    public PolyShare RkgRound1Combine() => _rkgRound1.Aggregate(CollectiveRelinearizationKeyGeneration.Aggregate);

    [Benchmark]
    public PolyShare RkgRound2Share() => _rkg.GenShareRoundTwo(_secret, _ephemerals[0], _rkgRound1Aggregate);

    [Benchmark]
    public RelinKeys RkgRound2Combine() =>
        _rkg.Finalize(_rkgRound1Aggregate, _rkgRound2.Aggregate(CollectiveRelinearizationKeyGeneration.Aggregate));

    [Benchmark]
    public PolyShare RtgShare() => _rtg.GenShare(_secret);

    [Benchmark]
    public GaloisKeys RtgCombine() => _rtg.Finalize(_rtgShares.Aggregate(CollectiveRotationKeyGeneration.Aggregate));

    [Benchmark]
    public PolyShare DecryptShare() => _decryption.GenShare(_secret, _ciphertext);

    [Benchmark]
    public Plaintext DecryptCombine() => _decryption.Finalize(_ciphertext, _decryptionShares.Aggregate(CollectiveDecryption.Aggregate));

    [Benchmark]
    public PolyShare PcksShare() => _pcks.GenShare(_secret, _ciphertext);

    [Benchmark]
    public Ciphertext PcksCombine() => _pcks.Finalize(_ciphertext, _pcksShares.Aggregate(PublicKeySwitch.Aggregate));
}
