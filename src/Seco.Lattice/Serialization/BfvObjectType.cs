namespace Seco.Lattice.Serialization;

/// <summary>The object-type byte of the serialization header (offset 5).</summary>
internal enum BfvObjectType : byte
{
    Plaintext = 1,
    Ciphertext = 2,
    SeededCiphertext = 3,
    PublicKey = 4,
    SecretKey = 5,
    RelinKeys = 6,
    GaloisKeys = 7,
}
