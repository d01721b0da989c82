using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Seco.Garbling.Crypto;

/// <summary>
/// A source of random blocks: labels, Δ, OT seeds and choice bits. Production code uses <see cref="Os"/> (the OS
/// CSPRNG); <see cref="Prg"/> is a seeded AES-CTR generator for deterministic tests and for expanding OT seeds.
/// </summary>
public abstract class BlockRandom
{
    /// <summary>The operating system's CSPRNG (<see cref="RandomNumberGenerator"/>); thread-safe.</summary>
    public static BlockRandom Os { get; } = new OsBlockRandom();

    /// <summary>True for sources that must never be used for secrets outside tests (seeded generators).</summary>
    public abstract bool IsDeterministic { get; }

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
/// integer. Used to expand OT-extension seeds (IKNP's G) and, with a fixed seed, as the deterministic source in
/// tests. Not thread-safe.
/// </summary>
public sealed class Prg : BlockRandom
{
    private readonly Aes128 _aes;
    private ulong _counter;

    /// <summary>A generator whose stream is determined by <paramref name="seed"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (the seed is usually secret).</exception>
    public Prg(Block seed) => _aes = new Aes128(seed);

    private Prg(Aes128 aes) => _aes = aes;

    /// <summary>A generator seeded from a small integer (tests only). Its seed is public, so it runs on the portable AES
    /// where AES-NI is absent.</summary>
    public static Prg ForTests(ulong seed) => new(new Aes128(new Block(seed, 0x5465737453656564UL), Aes128.HardwareAvailable));

    /// <inheritdoc />
    public override bool IsDeterministic => true;

    /// <inheritdoc />
    public override void Fill(Span<Block> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = new Block(_counter++, 0);
        _aes.Encrypt(destination, destination);
    }
}
