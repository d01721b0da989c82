using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Garbling;

/// <summary>Chunks garbled into arrays a caller supplies (issue 19: a pool of reused arrays) are byte for byte those in fresh arrays.</summary>
public class PooledChunkTests
{
    [Theory]
    [InlineData(1, 64)]
    [InlineData(2, 1000)]
    public void Chunks_garbled_into_supplied_dirty_arrays_equal_chunks_in_fresh_arrays(int seed, int chunkAndGates)
    {
        var circuit = RandomCircuits.Build(seed, 20, 20, 3000, 40);
        var options = new GarblingOptions(ChunkAndGates: chunkAndGates);
        // Arrays from an earlier garbling of the same circuit (same chunk lengths), handed back dirty — the garbler must
        // overwrite every byte, header and tables.
        var dirty = new Garbler(circuit, Prg.ForTests(99), options).ChunkBytes().ToList();
        var spare = new Queue<byte[]>(dirty);
        byte[] Supply(int length)
        {
            byte[] a = spare.Dequeue();
            Assert.Equal(length, a.Length);
            a.AsSpan().Fill(0xA5);
            return a;
        }
        var fresh = new Garbler(circuit, Prg.ForTests((ulong)seed), options).ChunkBytes().ToList();
        var supplied = new Garbler(circuit, Prg.ForTests((ulong)seed), options).ChunkBytes(Supply).ToList();

        Assert.Equal(fresh.Count, supplied.Count);
        for (int k = 0; k < fresh.Count; k++)
        {
            Assert.Same(dirty[k], supplied[k]);
            Assert.Equal(fresh[k], supplied[k]);
        }
    }
}
