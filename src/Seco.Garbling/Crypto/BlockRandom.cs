using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Seco.Garbling.Crypto;

/// <summary>
/// A source of random blocks: labels, Δ, OT seeds and choice bits. Production code uses <see cref="Os"/> (the OS
/// CSPRNG); <see cref="Prg"/> is a seeded AES-CTR generator for expanding OT seeds and, through the internal
/// <c>Prg.ForTests</c>, for deterministic tests.
/// </summary>
public abstract class BlockRandom
{
    /// <summary>The operating system's CSPRNG (<see cref="RandomNumberGenerator"/>); thread-safe.</summary>
    public static BlockRandom Os { get; } = new OsBlockRandom();

    /// <summary>True for sources that must never be used for secrets outside tests (seeded generators).</summary>
    public abstract bool IsDeterministic { get; }

    /// <summary>
    /// True for the seeded sources made by <c>Prg.ForTests</c>: deterministic, but accepted where secrets are drawn.
    /// This is the explicit test opt-in; the factory is internal, so only the assemblies granted InternalsVisibleTo
    /// (Seco.Garbling.Tests, Seco.Bench) can obtain such a source, as with Seco.Lattice's <c>SeededRandomSource</c>.
    /// </summary>
    internal virtual bool IsTestSource => false;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when <paramref name="random"/> is
    /// deterministic (a seeded <see cref="Prg"/>) and not a test source. Called at the entry of every path that draws
    /// secrets from a caller-supplied source: the garbler (Δ, input labels), the Chou–Orlandi sender and receiver
    /// (scalars), the IKNP sender (its secret s) and receiver, and <see cref="Ot.OtLoopback"/>.
    /// </summary>
    public static void EnsureNonDeterministic(BlockRandom random, string paramName)
    {
        ArgumentNullException.ThrowIfNull(random, paramName);
        if (random.IsDeterministic && !random.IsTestSource)
        {
            throw new ArgumentException(
                $"'{paramName}' is a deterministic (seeded) random source; secrets (labels, Δ, OT secrets) must come " +
                "from the OS CSPRNG: pass BlockRandom.Os or null.", paramName);
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform blocks.</summary>
    public abstract void Fill(Span<Block> destination);

    /// <summary>One uniform block.</summary>
    public Block Next()
    {
        Span<Block> one = stackalloc Block[1];
        Fill(one);
        return one[0];
    }

    /// <summary>Fills <paramref name="destination"/> with uniform bytes.</summary>
    public void FillBytes(Span<byte> destination)
    {
        int whole = destination.Length / Block.Size;
        Fill(MemoryMarshal.Cast<byte, Block>(destination[..(whole * Block.Size)]));
        int rest = destination.Length - whole * Block.Size;
        if (rest > 0)
        {
            Span<byte> tail = stackalloc byte[Block.Size];
            Next().Write(tail);
            tail[..rest].CopyTo(destination[(whole * Block.Size)..]);
        }
    }

    private sealed class OsBlockRandom : BlockRandom
    {
        public override bool IsDeterministic => false;
        public override void Fill(Span<Block> destination) => RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(destination));
    }
}

/// <summary>
/// AES-128 in counter mode keyed by a seed: block k of the stream is AES_seed(k) with k as a little-endian 128-bit
/// integer. Used to expand OT-extension seeds (IKNP's G) and, from the internal <see cref="ForTests"/>, as the
/// deterministic source in tests. Entry points that draw secrets refuse it otherwise
/// (<see cref="BlockRandom.EnsureNonDeterministic"/>). Not thread-safe.
/// </summary>
public sealed class Prg : BlockRandom
{
    private readonly Aes128 _aes;
    private readonly bool _testSource;
    private ulong _counter;

    /// <summary>A generator whose stream is determined by <paramref name="seed"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (the seed is usually secret).</exception>
    public Prg(Block seed) => _aes = new Aes128(seed);

    private Prg(Aes128 aes, bool testSource)
    {
        _aes = aes;
        _testSource = testSource;
    }

    /// <summary>
    /// A generator seeded from a small integer, for tests and benchmarks only: the one deterministic source the
    /// garbler and OT entry points accept. Its seed is public, so it runs on the portable AES where AES-NI is absent.
    /// </summary>
    internal static Prg ForTests(ulong seed) => new(new Aes128(new Block(seed, 0x5465737453656564UL), Aes128.HardwareAvailable), testSource: true);

    /// <inheritdoc />
    public override bool IsDeterministic => true;

    internal override bool IsTestSource => _testSource;

    /// <summary>Moves the stream to block <paramref name="position"/> (AES-CTR is random access); never backwards.</summary>
    internal void Seek(ulong position)
    {
        if (position < _counter)
            throw new InvalidOperationException($"a PRG stream moves forward only: it is at block {_counter}, not {position}");
        _counter = position;
    }

    /// <inheritdoc />
    public override void Fill(Span<Block> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = new Block(_counter++, 0);
        _aes.Encrypt(destination, destination);
    }
}
