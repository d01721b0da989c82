using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Serialization;
using Seco.Lattice.Tests.Bfv;

namespace Seco.Lattice.Tests.Serialization;

/// <summary>Every malformed input is rejected with a <see cref="BfvFormatException"/> that says what is wrong.</summary>
public class SerializationMalformedTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private const int Header = BfvSerializer.HeaderSize;
    private readonly BfvKeys _k = fixture.Keys;

    private byte[] CiphertextBytes() => BfvSerializer.Serialize(_k.Encrypt(_k.RandomVector(40)));

    private BfvFormatException Fails(byte[] bytes, string fragment) => Fails(() => BfvSerializer.LoadCiphertext(_k.Context, bytes), fragment);

    private static BfvFormatException Fails(Action load, string fragment)
    {
        BfvFormatException e = Assert.Throws<BfvFormatException>(load);
        Assert.Contains(fragment, e.Message);
        Assert.Contains("at byte offset", e.Message);
        return e;
    }

    [Fact]
    public void Empty_input() => Fails([], "Empty input");

    [Fact]
    public void Wrong_magic()
    {
        byte[] bytes = CiphertextBytes();
        bytes[1] = (byte)'X';
        Assert.Equal(0, Fails(bytes, "Bad magic").Offset);
    }

    [Fact]
    public void Unsupported_version()
    {
        byte[] bytes = CiphertextBytes();
        bytes[4] = 2;
        Assert.Equal(4, Fails(bytes, "Unsupported format version 2").Offset);
    }

    [Fact]
    public void Wrong_object_type()
    {
        byte[] bytes = CiphertextBytes();
        Fails(() => BfvSerializer.LoadPublicKey(_k.Context, bytes), "expected PublicKey (4), found Ciphertext (2)");
        Fails(() => BfvSerializer.LoadSeededCiphertext(_k.Context, bytes), "expected SeededCiphertext (3), found Ciphertext (2)");
        byte[] pk = BfvSerializer.Serialize(_k.PublicKey);
        Fails(() => BfvSerializer.LoadCiphertextOrSeeded(_k.Context, pk), "expected Ciphertext (2) or SeededCiphertext (3), found PublicKey (4)");
        bytes[5] = 99;
        Assert.Equal(5, Fails(bytes, "found unknown type (99)").Offset);
    }

    [Fact]
    public void Nonzero_flags()
    {
        byte[] bytes = CiphertextBytes();
        bytes[7] = 0x80;
        Assert.Equal(6, Fails(bytes, "Reserved flags must be 0, found 0x8000").Offset);
    }

    [Fact]
    public void Wrong_parameter_hash()
    {
        BfvContext seco = BfvContext.Create(BfvPresets.Seco8192());
        byte[] bytes = CiphertextBytes();
        BfvFormatException e = Fails(() => BfvSerializer.LoadCiphertext(seco, bytes), "Parameter hash differs");
        Assert.Contains(_k.Context.ParameterHashHex[..16], e.Message);
        Assert.Contains(seco.ParameterHashHex[..16], e.Message);
        Assert.Equal(8, e.Offset);
        Fails(() => BfvSerializer.LoadSecretKey(seco, BfvSerializer.Serialize(_k.KeyGenerator.SecretKey)), "Parameter hash differs");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(20)]
    [InlineData(47)]
    public void Truncated_header(int length) => Fails(CiphertextBytes()[..length], "Truncated header");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    [InlineData(73_730)]
    public void Truncated_payload(int payloadBytesKept)
    {
        byte[] bytes = CiphertextBytes();
        Fails(bytes[..(Header + payloadBytesKept)], "Truncated payload");
    }

    [Fact]
    public void Payload_length_past_the_end()
    {
        byte[] bytes = CiphertextBytes();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), ulong.MaxValue);
        Assert.Equal(40, Fails(bytes, "Truncated payload").Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), (ulong)(bytes.Length - Header + 1));
        Fails(bytes, "only 73731 follow");
    }

    [Fact]
    public void Trailing_bytes()
    {
        byte[] bytes = [.. CiphertextBytes(), 0];
        Assert.Equal(bytes.Length - 1, Fails(bytes, "Trailing bytes").Offset);
    }

    [Fact]
    public void Payload_length_consistent_with_input_but_not_with_fields()
    {
        // Header and input agree, but size 2 at level 2 needs more bytes than declared: a self-consistent truncation.
        byte[] bytes = CiphertextBytes()[..(Header + 1000)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), 1000);
        Assert.Equal(40, Fails(bytes, "Payload truncated: the header declares 1000 payload bytes but size = 2, level = 2 require exactly").Offset);

        // Level 1 with the bytes of level 2: fields imply fewer bytes than declared.
        byte[] lower = CiphertextBytes();
        lower[Header + 1] = 1;
        Fails(lower, "Payload has trailing bytes");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(255)]
    public void Size_out_of_range(byte size)
    {
        byte[] bytes = CiphertextBytes();
        bytes[Header] = size;
        Assert.Equal(Header, Fails(bytes, $"Ciphertext size {size} is outside [2, 16]").Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(200)]
    public void Level_out_of_range(byte level)
    {
        byte[] bytes = CiphertextBytes();
        bytes[Header + 1] = level;
        Assert.Equal(Header + 1, Fails(bytes, $"level {level} is outside [1, 2]").Offset);

        byte[] seeded = BfvSerializer.Serialize(_k.Encryptor.EncryptSymmetricSeeded(_k.Encoder.Encode(_k.RandomVector(41))));
        seeded[Header] = level;
        Fails(() => BfvSerializer.LoadSeededCiphertext(_k.Context, seeded), $"seeded ciphertext level {level} is outside");
    }

    [Fact]
    public void Ntt_flag_out_of_range()
    {
        byte[] bytes = CiphertextBytes();
        bytes[Header + 2] = 2;
        Fails(bytes, "NTT flag must be 0 or 1, found 2");
    }

    [Fact]
    public void Residue_not_below_modulus()
    {
        byte[] bytes = CiphertextBytes();

        // Limb 0 packs 36-bit residues; all-ones in the first 36 bits is 2^36 − 1 ≥ q_0.
        bytes.AsSpan(Header + 3, 4).Fill(0xFF);
        bytes[Header + 3 + 4] |= 0x0F;
        BfvFormatException e = Fails(bytes, "Residue out of range: ciphertext polynomial 0, limb 0, coefficient 0");
        Assert.Equal(Header + 3, e.Offset);
    }

    [Fact]
    public void Residue_not_below_modulus_names_polynomial_limb_and_coefficient()
    {
        byte[] bytes = CiphertextBytes();
        int limb0 = _k.N * 36 / 8, limb1 = _k.N * 36 / 8;

        // Polynomial 1, limb 1, coefficient 2 (bits 72..107 of that limb: bytes 9..13, all 36 bits of it).
        int start = Header + 3 + limb0 + limb1 + limb0 + 9;
        bytes.AsSpan(start, 4).Fill(0xFF);
        bytes[start + 4] |= 0x0F;
        BfvFormatException e = Fails(bytes, "ciphertext polynomial 1, limb 1, coefficient 2 ");
        Assert.Equal(start, e.Offset);
    }

    [Fact]
    public void Plaintext_fields()
    {
        byte[] plain = BfvSerializer.Serialize(_k.Encoder.Encode(_k.RandomVector(42)));
        byte[] form = (byte[])plain.Clone();
        form[Header] = 2;
        Fails(() => BfvSerializer.LoadPlaintext(_k.Context, form), "Plaintext form must be 0 (coefficient) or 1 (NTT), found 2");
        byte[] level = (byte[])plain.Clone();
        level[Header + 1] = 1;
        Fails(() => BfvSerializer.LoadPlaintext(_k.Context, level), "coefficient-form plaintext must have level 0");

        // t = 1032193 < 2^20: an all-ones 20-bit coefficient is out of range.
        byte[] residue = (byte[])plain.Clone();
        residue[Header + 2] = 0xFF;
        residue[Header + 3] = 0xFF;
        residue[Header + 4] |= 0x0F;
        Fails(() => BfvSerializer.LoadPlaintext(_k.Context, residue), "plaintext coefficients (mod t), coefficient 0");
    }

    [Fact]
    public void Secret_key_code_3()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.KeyGenerator.SecretKey);
        bytes[Header + 10] |= 0b1100_0000;
        BfvFormatException e = Fails(() => BfvSerializer.LoadSecretKey(_k.Context, bytes), "Invalid secret-key code 3 at coefficient 43");
        Assert.Equal(Header + 10, e.Offset);
    }

    [Fact]
    public void Relin_count_not_MaxLevel()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.RelinKeys);
        bytes[Header] = 1;
        Assert.Equal(Header, Fails(() => BfvSerializer.LoadRelinKeys(_k.Context, bytes), "Relin key count 1 must equal MaxLevel = 2").Offset);
    }

    [Fact]
    public void Galois_element_even()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.GaloisKeys);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ElementOffset(0)), 4);
        Assert.Equal(ElementOffset(0), FailsGalois(bytes, "Galois element 4 (key 0) must be odd").Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ElementOffset(0)), (uint)(2 * _k.N) + 1);
        FailsGalois(bytes, "must be odd and below 2n = 8192");
    }

    [Fact]
    public void Galois_element_duplicate()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.GaloisKeys);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ElementOffset(0)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ElementOffset(1)), first);
        Assert.Equal(ElementOffset(1), FailsGalois(bytes, $"Duplicate Galois element {first} (key 1)").Offset);
    }

    [Fact]
    public void Galois_elements_unsorted()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.GaloisKeys);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ElementOffset(0)));
        uint second = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ElementOffset(1)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ElementOffset(0)), second);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ElementOffset(1)), first);
        FailsGalois(bytes, "not in strictly increasing order");
    }

    [Fact]
    public void Galois_key_count_and_component_count()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.GaloisKeys);
        byte[] count = (byte[])bytes.Clone();
        count[ElementOffset(2) + 4] = 3;
        FailsGalois(count, "count 3 must equal MaxLevel = 2");

        byte[] keys = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(keys.AsSpan(Header), 6);
        FailsGalois(keys, "Galois key 5 of 6");
        BinaryPrimitives.WriteUInt16LittleEndian(keys.AsSpan(Header), 4);
        FailsGalois(keys, "Payload has trailing bytes");
        BinaryPrimitives.WriteUInt16LittleEndian(keys.AsSpan(Header), ushort.MaxValue);
        FailsGalois(keys, "exceeds n = 4096");
    }

    [Fact]
    public void Every_loader_rejects_empty_and_truncated_input()
    {
        BfvContext c = _k.Context;
        var loaders = new Action<byte[]>[]
        {
            b => BfvSerializer.LoadPlaintext(c, b), b => BfvSerializer.LoadCiphertext(c, b),
            b => BfvSerializer.LoadSeededCiphertext(c, b), b => BfvSerializer.LoadCiphertextOrSeeded(c, b),
            b => BfvSerializer.LoadPublicKey(c, b), b => BfvSerializer.LoadSecretKey(c, b),
            b => BfvSerializer.LoadRelinKeys(c, b), b => BfvSerializer.LoadGaloisKeys(c, b),
        };
        byte[][] valid =
        [
            BfvSerializer.Serialize(_k.Encoder.Encode(_k.RandomVector(43))), CiphertextBytes(),
            BfvSerializer.Serialize(_k.Encryptor.EncryptSymmetricSeeded(_k.Encoder.Encode(_k.RandomVector(44)))),
            CiphertextBytes(), BfvSerializer.Serialize(_k.PublicKey), BfvSerializer.Serialize(_k.KeyGenerator.SecretKey),
            BfvSerializer.Serialize(_k.RelinKeys), BfvSerializer.Serialize(_k.GaloisKeys),
        ];
        for (int i = 0; i < loaders.Length; i++)
        {
            Action<byte[]> load = loaders[i];
            byte[] bytes = valid[i];
            Fails(() => load([]), "Empty input");
            Fails(() => load(bytes[..Header]), "Truncated payload");
            Fails(() => load(bytes[..(bytes.Length - 1)]), "Truncated payload");
            Fails(() => load([.. bytes, 1, 2]), "Trailing bytes");
        }
    }

    [Fact]
    public void Random_corruption_or_truncation_throws_only_BfvFormatException()
    {
        foreach (byte[] valid in new[]
        {
            CiphertextBytes(),
            BfvSerializer.Serialize(_k.Encryptor.EncryptSymmetricSeeded(_k.Encoder.Encode(_k.RandomVector(45)))),
        })
        {
            CheckMutations(valid);
        }
    }

    private void CheckMutations(byte[] valid)
    {
        int length = valid.Length;

        // Half the mutations hit the header and fixed fields, where the parsing logic is; the rest anywhere.
        Gen<int> position = Gen.Frequency(
            (1, Gen.Choose(0, Header + 3)),
            (1, Gen.Choose(0, length - 1)));
        Gen<(int Position, byte Value, int Count)> corruption =
            position.SelectMany(p => Gen.Choose(0, 255).SelectMany(v => Gen.Choose(1, 4).Select(c => (p, (byte)v, c))));
        Gen<int> truncation = Gen.Frequency((1, Gen.Choose(0, Header + 8)), (1, Gen.Choose(0, length - 1)));

        var config = Config.QuickThrowOnFailure.WithMaxTest(300);
        Prop.ForAll(corruption.ToArbitrary(), m =>
        {
            byte[] bytes = (byte[])valid.Clone();
            for (int j = 0; j < m.Count && m.Position + j < length; j++)
            {
                bytes[m.Position + j] ^= (byte)(m.Value | 1);
            }

            return LoadsOrFormatError(bytes);
        }).Check(config);
        Prop.ForAll(truncation.ToArbitrary(), cut => LoadsOrFormatError(valid[..cut])).Check(config);
    }

    private bool LoadsOrFormatError(byte[] bytes)
    {
        try
        {
            BfvSerializer.LoadCiphertextOrSeeded(_k.Context, bytes);
            return true;
        }
        catch (BfvFormatException)
        {
            return true;
        }
    }

    private BfvFormatException FailsGalois(byte[] bytes, string fragment) =>
        Fails(() => BfvSerializer.LoadGaloisKeys(_k.Context, bytes), fragment);

    /// <summary>Offset of key <paramref name="j"/>'s Galois element: keys are fixed-size blocks after the u16 count.</summary>
    private int ElementOffset(int j)
    {
        int keyPoly = (_k.N * (36 + 36 + 37)) / 8;
        return Header + 2 + (j * (5 + (_k.Context.MaxLevel * (32 + keyPoly))));
    }
}
