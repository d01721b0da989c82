using System.Security.Cryptography;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A ternary secret key s, stored in NTT form modulo every key prime (data primes and the special prime), as SEAL
/// stores it. Dispose to wipe it.
/// </summary>
public sealed class SecretKey : IDisposable
{
    internal SecretKey(BfvContext context, ulong[] nttData)
    {
        Context = context;
        Data = nttData;
    }

    /// <summary>The parameters this key belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>NTT-form residues, k·n values limb-major over <see cref="BfvContext.KeyModuli"/>.</summary>
    internal ulong[] Data { get; }

    /// <summary>The NTT-form data, after checking the key belongs to <paramref name="context"/>.</summary>
    internal ulong[] DataFor(BfvContext context)
    {
        Guard.SameContext(context, Context, "secret key");
        return Data;
    }

    /// <summary>Overwrites the key material with zeros.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Data.AsSpan()));
}
