using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Serialization;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Serialization;

/// <summary>
/// The size table of docs/serialization.md, computed from <see cref="BfvSerializer"/>'s SerializedSize overloads. The
/// sizes depend only on shapes, so the objects are zero-filled stand-ins (no key generation needed).
/// </summary>
public class SerializationSizeTests(ITestOutputHelper output)
{
    public static TheoryData<string, long, long, long, long, long, long, long, long> Expected => new()
    {
        // preset, plaintext, fresh ct, seeded ct, public key, secret key, relin keys, 1 Galois key (whole blob), per extra Galois key
        { "Default4096", 10_290, 73_779, 36_945, 55_888, 1_072, 111_729, 111_735, 111_685 },
        { "Default8192", 20_530, 356_403, 178_257, 223_312, 2_096, 893_105, 893_111, 893_061 },
        { "Seco8192", 42_034, 356_403, 178_257, 223_312, 2_096, 893_105, 893_111, 893_061 },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Sizes_match_the_documented_table(
        string preset, long plain, long fresh, long seeded, long publicKey, long secretKey, long relin, long oneGalois, long perGalois)
    {
        EncryptionParameters parameters = preset switch
        {
            "Default4096" => BfvPresets.Default4096(),
            "Default8192" => BfvPresets.Default8192(),
            _ => BfvPresets.Seco8192(),
        };
        BfvContext c = BfvContext.Create(parameters);
        int n = c.N, k = c.KeyModuli.Count, l = c.MaxLevel;
        var seed = new byte[32];
        KeySwitchingKey Ksk() => new(c, Enumerable.Range(0, l).Select(_ => new ulong[k * n]).ToArray(), Enumerable.Range(0, l).Select(_ => seed).ToArray());

        var actual = new[]
        {
            BfvSerializer.SerializedSize(new Plaintext(c)),
            BfvSerializer.SerializedSize(new Ciphertext(c)),
            BfvSerializer.SerializedSize(new SeededCiphertext(c, l, new ulong[l * n], seed)),
            BfvSerializer.SerializedSize(new PublicKey(c, new ulong[k * n], seed)),
            BfvSerializer.SerializedSize(new SecretKey(c, new ulong[k * n])),
            BfvSerializer.SerializedSize(new RelinKeys(Ksk())),
            BfvSerializer.SerializedSize(new GaloisKeys(c, new Dictionary<uint, KeySwitchingKey> { [3] = Ksk() })),
            BfvSerializer.SerializedSize(new GaloisKeys(c, new Dictionary<uint, KeySwitchingKey> { [3] = Ksk(), [5] = Ksk() }))
                - BfvSerializer.SerializedSize(new GaloisKeys(c, new Dictionary<uint, KeySwitchingKey> { [3] = Ksk() })),
        };
        output.WriteLine($"| {preset} | {string.Join(" | ", actual.Select(x => x.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} |");
        Assert.Equal(new[] { plain, fresh, seeded, publicKey, secretKey, relin, oneGalois, perGalois }, actual);

        // The stand-ins really serialize to that many bytes.
        Assert.Equal(actual[1], BfvSerializer.Serialize(new Ciphertext(c)).Length);
    }
}
