using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

/// <summary>
/// SIMD batching (Smart–Vercauteren 2014; SEAL <c>BatchEncoder</c>): when t is a prime ≡ 1 (mod 2n),
/// Z_t[X]/(X^n + 1) ≅ Z_t^n and a plaintext carries n slots, viewed as a 2 × (n/2) matrix. Slot order is SEAL's:
/// row 0 slot i is the evaluation at ψ^{3^i}, row 1 slot i at ψ^{−3^i}, so rotate_rows(k) shifts both rows left by
/// k and rotate_columns swaps them, exactly as in SEAL.
/// </summary>
public sealed class BatchEncoder
{
    private readonly BfvContext _context;
    private readonly NttTables _tables;
    private readonly int[] _indexMap;

    /// <summary>Creates an encoder; throws if the parameters do not support batching.</summary>
    public BatchEncoder(BfvContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _tables = context.PlainNtt ?? throw new ArgumentException(
            $"Batching needs t prime and ≡ 1 mod 2n; t = {context.PlainModulus.Value} is not.", nameof(context));

        // SEAL's populate_matrix_reps_index_map: slot i ↦ bit-reversed NTT index of exponent 3^i (row 0) or −3^i (row 1).
        int n = context.N, logN = int.Log2(n), rowSize = n / 2;
        ulong m = 2UL * (ulong)n, pos = 1;
        _indexMap = new int[n];
        for (int i = 0; i < rowSize; i++)
        {
            ulong index1 = (pos - 1) >> 1;
            ulong index2 = (m - pos - 1) >> 1;
            _indexMap[i] = (int)NttTables.BitReverse((uint)index1, logN);
            _indexMap[rowSize + i] = (int)NttTables.BitReverse((uint)index2, logN);
            pos = pos * 3 & (m - 1);
        }
    }

    /// <summary>Number of slots n.</summary>
    public int SlotCount => _context.N;

    /// <summary>Encodes up to n values (each &lt; t; missing slots are zero) into a new plaintext.</summary>
    public Plaintext Encode(ReadOnlySpan<ulong> values)
    {
        var plain = new Plaintext(_context);
        Encode(values, plain);
        return plain;
    }

    /// <summary>Encodes up to n values into <paramref name="destination"/> (coefficient form).</summary>
    public void Encode(ReadOnlySpan<ulong> values, Plaintext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Guard.SameContext(_context, destination.Context, "plaintext");
        if (destination.IsNttForm)
        {
            throw new ArgumentException("The destination plaintext must be in coefficient form.", nameof(destination));
        }

        int n = _context.N;
        if (values.Length > n)
        {
            throw new ArgumentException($"At most {n} values fit; got {values.Length}.", nameof(values));
        }

        ulong t = _context.PlainModulus.Value;
        Span<ulong> data = destination.Data;
        data.Clear();
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] >= t)
            {
                throw new ArgumentOutOfRangeException(nameof(values), $"Slot {i} holds {values[i]}, not below t = {t}.");
            }

            data[_indexMap[i]] = values[i];
        }

        NegacyclicNtt.Inverse(data, _tables);
    }

    /// <summary>Encodes signed values (|v| ≤ (t−1)/2) as v mod t.</summary>
    public Plaintext Encode(ReadOnlySpan<long> values)
    {
        ulong t = _context.PlainModulus.Value;
        var residues = new ulong[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v > (long)(t >> 1) || v < -(long)(t >> 1))
            {
                throw new ArgumentOutOfRangeException(nameof(values), $"Slot {i} holds {v}, outside ±(t−1)/2.");
            }

            residues[i] = v < 0 ? t - (ulong)(-v) : (ulong)v;
        }

        return Encode(residues);
    }

    /// <summary>Decodes the n slot values (each in [0, t)).</summary>
    public ulong[] Decode(Plaintext plain)
    {
        var values = new ulong[_context.N];
        Decode(plain, values);
        return values;
    }

    /// <summary>Decodes into <paramref name="destination"/> (length ≥ n).</summary>
    public void Decode(Plaintext plain, Span<ulong> destination)
    {
        ArgumentNullException.ThrowIfNull(plain);
        Guard.SameContext(_context, plain.Context, "plaintext");
        if (plain.IsNttForm)
        {
            throw new ArgumentException("Only coefficient-form plaintexts can be decoded.", nameof(plain));
        }

        int n = _context.N;
        if (destination.Length < n)
        {
            throw new ArgumentException($"The destination must hold {n} values.", nameof(destination));
        }

        ulong[] temp = (ulong[])plain.Data.Clone();
        ulong t = _context.PlainModulus.Value;
        foreach (ulong c in temp)
        {
            if (c >= t)
            {
                throw new ArgumentException("The plaintext has a coefficient not below t.", nameof(plain));
            }
        }

        NegacyclicNtt.Forward(temp, _tables);
        for (int i = 0; i < n; i++)
        {
            destination[i] = temp[_indexMap[i]];
        }
    }

    /// <summary>Decodes to signed values in (−t/2, t/2].</summary>
    public long[] DecodeSigned(Plaintext plain)
    {
        ulong t = _context.PlainModulus.Value;
        return Decode(plain).Select(v => v > t >> 1 ? -(long)(t - v) : (long)v).ToArray();
    }
}
