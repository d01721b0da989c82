using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>
/// One key set per parameter set, shared by the tests of a class (key generation at n = 8192 takes a while).
/// Plaintext vectors are drawn from <see cref="System.Random"/> with fixed seeds: they are test data, not secrets.
/// </summary>
public sealed class BfvKeys : IDisposable
{
    public BfvKeys(EncryptionParameters parameters)
    {
        Context = BfvContext.Create(parameters);
        KeyGenerator = new KeyGenerator(Context);
        PublicKey = KeyGenerator.CreatePublicKey();
        RelinKeys = KeyGenerator.CreateRelinKeys();
        GaloisKeys = KeyGenerator.CreateGaloisKeys([1, -1, 5, 100], includeRowSwap: true);
        Encryptor = new Encryptor(Context, PublicKey, KeyGenerator.SecretKey);
        Decryptor = new Decryptor(Context, KeyGenerator.SecretKey);
        Encoder = new BatchEncoder(Context);
        Evaluator = new Evaluator(Context);
    }

    public BfvContext Context { get; }
    public KeyGenerator KeyGenerator { get; }
    public PublicKey PublicKey { get; }
    public RelinKeys RelinKeys { get; }
    public GaloisKeys GaloisKeys { get; }
    public Encryptor Encryptor { get; }
    public Decryptor Decryptor { get; }
    public BatchEncoder Encoder { get; }
    public Evaluator Evaluator { get; }

    public ulong T => Context.PlainModulus.Value;
    public int N => Context.N;

    public ulong[] RandomVector(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, N).Select(_ => (ulong)random.NextInt64((long)T)).ToArray();
    }

    public Ciphertext Encrypt(ulong[] values) => Encryptor.Encrypt(Encoder.Encode(values));

    public ulong[] Decrypt(Ciphertext ct) => Encoder.Decode(Decryptor.Decrypt(ct));

    public void Dispose()
    {
        Encryptor.Dispose();
        KeyGenerator.Dispose();
    }
}

public sealed class Keys4096Fixture() : IDisposable
{
    public BfvKeys Keys { get; } = new(BfvPresets.Default4096());
    public void Dispose() => Keys.Dispose();
}

public sealed class Keys8192Fixture() : IDisposable
{
    public BfvKeys Keys { get; } = new(BfvPresets.Default8192());
    public void Dispose() => Keys.Dispose();
}

public sealed class KeysSecoFixture() : IDisposable
{
    public BfvKeys Keys { get; } = new(BfvPresets.Seco8192());
    public void Dispose() => Keys.Dispose();
}

/// <summary>Slot-wise reference operations mod t.</summary>
public static class SlotMath
{
    public static ulong[] Add(ulong[] a, ulong[] b, ulong t) => a.Zip(b, (x, y) => (x + y) % t).ToArray();
    public static ulong[] Sub(ulong[] a, ulong[] b, ulong t) => a.Zip(b, (x, y) => (x + t - y) % t).ToArray();
    public static ulong[] Negate(ulong[] a, ulong t) => a.Select(x => (t - x) % t).ToArray();
    public static ulong[] Mul(ulong[] a, ulong[] b, ulong t) => a.Zip(b, (x, y) => (ulong)((UInt128)x * y % t)).ToArray();

    /// <summary>Both rows of the 2 × n/2 matrix rotated left by <paramref name="steps"/>.</summary>
    public static ulong[] RotateRows(ulong[] a, int steps)
    {
        int row = a.Length / 2;
        var r = new ulong[a.Length];
        for (int i = 0; i < row; i++)
        {
            int src = (((i + steps) % row) + row) % row;
            r[i] = a[src];
            r[row + i] = a[row + src];
        }

        return r;
    }

    public static ulong[] SwapRows(ulong[] a)
    {
        int row = a.Length / 2;
        return [.. a[row..], .. a[..row]];
    }
}
