using System.Security.Cryptography;
using Seco.Protocol.Messages;

namespace Seco.Protocol.Crypto;

/// <summary>
/// A tier evaluator's garbled tables between preparation and the online phase (issue 20). SECO prepares every ReLU
/// layer of F_BC offline, and ResNet-32's are ≈ 4 GB of tables a query — more than a party may hold. Layers stay in
/// memory up to <see cref="MemoryBudget"/> bytes of tables; past it a layer's tables go to a scratch file, readable by
/// this process only (mode 0600, unlinked as soon as it is open on Unix, so nothing outlives the process), and are read
/// back chunk by chunk when the layer is evaluated. Garbled tables reveal nothing without the labels (the evaluator
/// holds them anyway); the file only moves them from memory to disk. The offline/online split of the protocol is
/// unchanged: nothing is garbled or sent online.
/// </summary>
public sealed class GarbledTableStore : IDisposable
{
    /// <summary>The default memory for tables: 256 MiB (a ResNet-32 layer of 16,384 ReLUs has ≈ 180 MB; the rest of a
    /// query's 4.25 GB waits in the scratch file, which the OS pages). 512 MiB put ResNet-32's evaluator at 3.8 GiB.</summary>
    public const long DefaultMemoryBudget = 256L << 20;

    private readonly Dictionary<(int Query, int Block), Stored> _layers = [];
    private FileStream? _file;
    private long _inMemory;

    public GarbledTableStore(long memoryBudget = DefaultMemoryBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudget);
        MemoryBudget = memoryBudget;
    }

    /// <summary>Bytes of tables kept in memory before layers spill to the scratch file.</summary>
    public long MemoryBudget { get; }

    /// <summary>Bytes of tables in memory now.</summary>
    public long InMemoryBytes => _inMemory;

    /// <summary>Bytes of tables written to the scratch file so far (a run's total, for the report).</summary>
    public long SpilledBytes { get; private set; }

    /// <summary>Whether the layer of <paramref name="block"/> for <paramref name="query"/> is stored.</summary>
    public bool Contains(int query, int block) => _layers.ContainsKey((query, block));

    /// <summary>Keeps a layer: in memory while the budget allows, else its tables in the scratch file.</summary>
    public void Add(int query, GarbledLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (_layers.ContainsKey((query, layer.Block)))
            throw new InvalidOperationException($"block {layer.Block} of query {query} is stored already");
        long bytes = layer.Chunks.Sum(c => (long)c.Length);
        if (_inMemory + bytes <= MemoryBudget)
        {
            _inMemory += bytes;
            _layers[(query, layer.Block)] = new Stored(layer, null, bytes);
            return;
        }

        FileStream file = File();
        var spans = new (long Offset, int Length)[layer.Chunks.Length];
        file.Seek(0, SeekOrigin.End);
        for (int k = 0; k < layer.Chunks.Length; k++)
        {
            spans[k] = (file.Position, layer.Chunks[k].Length);
            file.Write(layer.Chunks[k]);
        }
        file.Flush();
        SpilledBytes += bytes;
        _layers[(query, layer.Block)] = new Stored(layer with { Chunks = [] }, spans, bytes);
    }

    /// <summary>The layer's decoding and garbler labels (its tables come from <see cref="Chunks"/>).</summary>
    public GarbledLayer Layer(int query, int block) => _layers[(query, block)].Layer;

    /// <summary>The layer's table chunks in order, from memory or read back from the scratch file one at a time.</summary>
    public IEnumerable<byte[]> Chunks(int query, int block)
    {
        Stored stored = _layers[(query, block)];
        if (stored.Spilled is null)
        {
            foreach (byte[] chunk in stored.Layer.Chunks) yield return chunk;
            yield break;
        }
        foreach ((long offset, int length) in stored.Spilled)
        {
            var chunk = GC.AllocateUninitializedArray<byte>(length);
            _file!.Seek(offset, SeekOrigin.Begin);
            _file.ReadExactly(chunk);
            yield return chunk;
        }
    }

    /// <summary>Drops a layer once evaluated (or its query failed); the file is emptied when it holds no layer.</summary>
    public void Remove(int query, int block)
    {
        if (!_layers.Remove((query, block), out Stored? stored)) return;
        if (stored.Spilled is null) _inMemory -= stored.Bytes;
        if (_file is not null && _layers.Values.All(s => s.Spilled is null)) _file.SetLength(0);
    }

    /// <summary>Drops every layer of <paramref name="query"/>.</summary>
    public void Forget(int query)
    {
        foreach (var key in _layers.Keys.Where(k => k.Query == query).ToList()) Remove(key.Query, key.Block);
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        _layers.Clear();
        _inMemory = 0;
    }

    private FileStream File()
    {
        if (_file is not null) return _file;
        string path = Path.Combine(Path.GetTempPath(), $"seco-tables-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}.bin");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _file = new FileStream(path, options);
        if (!OperatingSystem.IsWindows()) System.IO.File.Delete(path); // unlinked: the open handle keeps it; a crash leaves nothing behind
        return _file;
    }

    private sealed record Stored(GarbledLayer Layer, (long Offset, int Length)[]? Spilled, long Bytes);
}
