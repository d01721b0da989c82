using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;

namespace Seco.Protocol.Crypto;

/// <summary>The BFV plumbing every role needs: encoding, slot packing and (de)serialisation with validation.</summary>
public sealed class HeTools(BfvContext context)
{
    public BfvContext Context { get; } = context;

    public BatchEncoder Encoder { get; } = new(context);

    public Evaluator Evaluator { get; } = new(context);

    public int N => Context.N;

    public Plaintext Encode(ulong[] slots) => Encoder.Encode(slots);

    /// <summary>The vector in slots 0..len−1 (row 0), zero elsewhere: the layout of the output ciphertexts.</summary>
    public Plaintext EncodePrefix(ReadOnlySpan<ulong> values)
    {
        if (values.Length > N)
            throw new ArgumentException($"{values.Length} values do not fit {N} slots");
        var slots = new ulong[N];
        values.CopyTo(slots);
        return Encoder.Encode(slots);
    }

    public ulong[] DecodePrefix(Plaintext plain, int count) => Encoder.Decode(plain).AsSpan(0, count).ToArray();

    /// <summary>x in the input packing of <paramref name="form"/>: one plaintext per input ciphertext.</summary>
    public Plaintext[] EncodeInput(Model.Linear.HeForm form, ReadOnlySpan<ulong> x) => [.. form.PackInput(x).Select(s => Encoder.Encode(s))];

    /// <summary>The mask for a product of <paramref name="form"/>: values at its output slots, a fresh uniform pad elsewhere (HeForm.PackOutputMask).</summary>
    public Plaintext[] EncodeOutputMask(Model.Linear.HeForm form, ReadOnlySpan<ulong> values) => [.. form.PackOutputMask(values).Select(s => Encoder.Encode(s))];

    /// <summary>The outputs of <paramref name="form"/> read from its decrypted output ciphertexts.</summary>
    public ulong[] DecodeOutput(Model.Linear.HeForm form, IEnumerable<Plaintext> plains) => form.UnpackOutput([.. plains.Select(Encoder.Decode)]);

    /// <summary>Loads a run of ciphertexts (one block's), each checked as <see cref="LoadCiphertext"/>.</summary>
    public Ciphertext[] LoadCiphertexts(IReadOnlyList<byte[]> run, string what) =>
        [.. run.Select((b, k) => LoadCiphertext(b, run.Count == 1 ? what : $"{what} [{k + 1} of {run.Count}]"))];

    /// <summary>
    /// The mask a party adds to (or subtracts from) a ciphertext that another party will decrypt: <paramref name="values"/>
    /// in the intended output slots 0..m−1 of row 0 (the Lin-OP output layout, <see cref="MatVecLayout.UnpackOutput"/>,
    /// and the prefix layout of <see cref="EncodePrefix"/>), and a fresh uniform element of Z_p from the OS CSPRNG in
    /// every other slot. A Lin-OP result holds more than its m outputs: the row swap and the folds of
    /// <see cref="MatVec"/> leave partial sums of F·r in the other slots (and F·r itself in row 1), so masking only
    /// slots 0..m−1 let the decrypting party read linear functions of r and F there (issue 15). Every party that
    /// contributes a mask pads independently, so a decryptor colluding with one contributor still faces the honest
    /// contributor's pad.
    /// </summary>
    public Plaintext EncodeOutputMask(ReadOnlySpan<ulong> values)
    {
        if (values.Length > N)
            throw new ArgumentException($"{values.Length} values do not fit {N} slots");
        ulong[] slots = ZpRandom.Uniform(N);
        for (int i = 0; i < values.Length; i++)
            slots[i] = values[i] < PrimeField.P ? values[i] : throw new ArgumentOutOfRangeException(nameof(values), $"entry {i} is not a residue mod p");
        return Encoder.Encode(slots);
    }

    public static byte[] Serialize(Ciphertext ciphertext) => BfvSerializer.Serialize(ciphertext);

    /// <summary>
    /// As <see cref="Serialize(Ciphertext)"/>, into a pooled array (<see cref="PooledPayloads"/>); the sender lends it to
    /// the outbox that sends it (<see cref="PooledPayloads.GiveBack"/>), so it returns once encoded (issue 19).
    /// </summary>
    public static byte[] SerializePooled(Ciphertext ciphertext) => BfvSerializer.Serialize(ciphertext, PooledPayloads.Rent);

    /// <summary>Loads a ciphertext from the wire; it must be a size-2, coefficient-form ciphertext of this context.</summary>
    public Ciphertext LoadCiphertext(byte[] bytes, string what)
    {
        Ciphertext ct;
        try
        {
            ct = BfvSerializer.LoadCiphertextOrSeeded(Context, bytes);
        }
        catch (BfvFormatException e)
        {
            throw new InvalidDataException($"{what}: {e.Message}", e);
        }
        if (ct.Size != 2 || ct.IsNttForm)
            throw new InvalidDataException($"{what}: expected a size-2 coefficient-form ciphertext, got size {ct.Size}{(ct.IsNttForm ? " in NTT form" : "")}");
        return ct;
    }

    public T Load<T>(Func<BfvContext, byte[], T> load, byte[] bytes, string what)
    {
        try
        {
            return load(Context, bytes);
        }
        catch (BfvFormatException e)
        {
            throw new InvalidDataException($"{what}: {e.Message}", e);
        }
    }
}
