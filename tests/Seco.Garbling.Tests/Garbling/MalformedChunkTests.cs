using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Garbling;

public class MalformedChunkTests
{
    private static (Garbler Garbler, Evaluator Evaluator, List<byte[]> Chunks) Setup()
    {
        var circuit = RandomCircuits.Build(21, 8, 8, 400, 8);
        var options = new GarblingOptions(ChunkAndGates: 50);
        var garbler = new Garbler(circuit, Prg.ForTests(2), options);
        var evaluator = new Evaluator(circuit, options);
        evaluator.SetInput(0, garbler.InputEncoding.Encode(0, new bool[8]));
        evaluator.SetInput(1, garbler.InputEncoding.Encode(1, new bool[8]));
        return (garbler, evaluator, garbler.Chunks().Select(c => c.ToBytes()).ToList());
    }

    [Fact]
    public void TruncatedChunkIsRejected()
    {
        var (_, e, chunks) = Setup();
        var ex = Assert.Throws<FormatException>(() => e.Consume(chunks[0].AsSpan(0, chunks[0].Length - 1)));
        Assert.Contains("truncated", ex.Message);
        ex = Assert.Throws<FormatException>(() => e.Consume(chunks[0].AsSpan(0, 5)));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void TrailingBytesWrongVersionAndBadCountsAreRejected()
    {
        var (_, e, chunks) = Setup();
        var longer = chunks[0].Concat(new byte[3]).ToArray();
        Assert.Contains("trailing", Assert.Throws<FormatException>(() => e.Consume(longer)).Message);
        var version = (byte[])chunks[0].Clone();
        version[0] = 9;
        Assert.Contains("version", Assert.Throws<FormatException>(() => e.Consume(version)).Message);
        var zero = (byte[])chunks[0].Clone();
        zero[5] = zero[6] = zero[7] = zero[8] = 0;
        Assert.Contains("declares 0 AND gates", Assert.Throws<FormatException>(() => e.Consume(zero)).Message);
        var huge = (byte[])chunks[0].Clone();
        huge[8] = 0x7F;
        Assert.Contains("declares", Assert.Throws<FormatException>(() => e.Consume(huge)).Message);
    }

    [Fact]
    public void OutOfOrderAndSurplusChunksAreRejected()
    {
        var (_, e, chunks) = Setup();
        Assert.Contains("was expected", Assert.Throws<FormatException>(() => e.Consume(chunks[1])).Message);
        foreach (var c in chunks) e.Consume(c);
        // A replayed last chunk with the next sequence number carries tables the circuit does not have.
        var extra = (byte[])chunks[^1].Clone();
        BitConverter.GetBytes(chunks.Count).CopyTo(extra, 1);
        Assert.Contains("remain", Assert.Throws<FormatException>(() => e.Consume(extra)).Message);
    }

    [Fact]
    public void MissingChunksAndInputsAreReported()
    {
        var (_, e, chunks) = Setup();
        e.Consume(chunks[0]);
        Assert.Contains("have not arrived", Assert.Throws<InvalidOperationException>(() => e.OutputLabels()).Message);
        var circuit = RandomCircuits.Build(21, 8, 8, 400, 8);
        var fresh = new Evaluator(circuit);
        Assert.Contains("have not been set", Assert.Throws<InvalidOperationException>(() => fresh.Consume(chunks[0])).Message);
        Assert.Throws<ArgumentException>(() => fresh.SetInput(0, new Block[7]));
    }

    [Fact]
    public void OutputDecodingIsValidated()
    {
        var (g, _, _) = Setup();
        var bytes = g.OutputDecoding.ToBytes();
        Assert.Throws<FormatException>(() => OutputDecoding.Read(bytes, 9));
        Assert.Throws<FormatException>(() => OutputDecoding.Read(bytes.AsSpan(0, 3), 8));
        Assert.Throws<FormatException>(() => OutputDecoding.Read(bytes.Concat(new byte[1]).ToArray(), 8));
    }
}
