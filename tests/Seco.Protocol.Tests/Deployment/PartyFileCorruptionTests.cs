using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Lattice.Parameters;
using Seco.MessagePack;
using Seco.Nn.Field;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Xunit;

namespace Seco.Protocol.Tests.Deployment;

/// <summary>
/// Issue 17: a party file is hostile until checked. Every corruption is a <see cref="PartyFileException"/> that names
/// the file and the problem, and no byte flip anywhere gets through or escapes as another exception type.
/// </summary>
public sealed class PartyFileCorruptionTests
{
    private static readonly Lazy<EncodedDeployment> Mlp = new(() => PartyFiles.Encode(PartyFileRoundTripTests.Split("mlp.onnx", 1), PartyFileRoundTripTests.Source("mlp.onnx")));

    private static BfvContext Context => EndToEndTests.Context.Value;

    private static byte[] File(PartyKind party) => [.. Mlp.Value.Files[party]];

    private static PartyFileException Refused(byte[] bytes, PartyKind party, string problem, BfvContext? context = null)
    {
        var e = Assert.Throws<PartyFileException>(() => PartyFile.Decode(bytes, "deploy/x.party", party, context ?? Context));
        Assert.StartsWith("deploy/x.party: ", e.Message);
        Assert.Equal("deploy/x.party", e.Path);
        Assert.Contains(problem, e.Problem);
        return e;
    }

    /// <summary>Writes a new body hash into the header, so a modified body passes the hash and reaches the body's own checks.</summary>
    private static byte[] Reseal(byte[] bytes)
    {
        int body = PartyFile.BodyOffset(bytes);
        SHA256.HashData(bytes.AsSpan(body)).CopyTo(bytes.AsSpan(body - 32));
        return bytes;
    }

    /// <summary>Where the values of the body's first block's weights start (the residues as 8-byte words).</summary>
    private static int FirstWeightValue(byte[] bytes)
    {
        int body = PartyFile.BodyOffset(bytes);
        var r = new MessagePackReader(bytes);
        r.ReadRawBytes(body);
        r.ReadArrayHeader(); // [kind, id, blocks]
        r.Skip();
        r.Skip();
        r.ReadArrayHeader(); // blocks
        r.ReadArrayHeader(); // [index, bitmap, values, bitmap, values]
        r.Skip();
        r.Skip();
        ReadOnlySpan<byte> values = r.ReadBinary();
        return r.Consumed - values.Length;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(100)]
    [InlineData(-1)]
    [InlineData(-1000)]
    public void A_truncated_file_is_refused(int keep)
    {
        byte[] bytes = File(PartyKind.Gateway);
        Refused(bytes[..(keep >= 0 ? keep : bytes.Length + keep)], PartyKind.Gateway, "truncated");
    }

    [Fact]
    public void Extra_bytes_are_refused() =>
        Refused([.. File(PartyKind.Garbler), 0], PartyKind.Garbler, "the header says the file has");

    [Fact]
    public void A_wrong_magic_is_refused()
    {
        byte[] bytes = File(PartyKind.User);
        bytes[3] ^= 0x20;
        Refused(bytes, PartyKind.User, "not a SECO party file");
    }

    [Fact]
    public void Another_format_version_is_refused()
    {
        byte[] bytes = File(PartyKind.User);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        Refused(bytes, PartyKind.User, "format version 2 is not supported (this build reads version 1)");
    }

    [Theory]
    [InlineData(PartyKind.Garbler, PartyKind.Evaluator)]
    [InlineData(PartyKind.Evaluator, PartyKind.Garbler)]
    [InlineData(PartyKind.Gateway, PartyKind.User)]
    [InlineData(PartyKind.User, PartyKind.Gateway)]
    public void Another_partys_file_is_refused(PartyKind file, PartyKind expected) =>
        Refused(File(file), expected, $"this is the {file.ToString().ToLowerInvariant()}'s file, not the {expected.ToString().ToLowerInvariant()}'s");

    [Fact]
    public void A_flipped_party_kind_is_refused_by_the_body()
    {
        // The kind is not under the deployment id (it differs per file), so a flip must be caught by the body's copy.
        byte[] bytes = File(PartyKind.Garbler);
        int kind = 18 + 3; // after the prefix and the array 16 header of 18 fields
        Assert.Equal((byte)PartyKind.Garbler, bytes[kind]);
        bytes[kind] = (byte)PartyKind.Evaluator;
        Refused(bytes, PartyKind.Evaluator, "the body belongs to another party's file");
    }

    [Fact]
    public void A_flipped_byte_in_the_header_is_refused()
    {
        byte[] bytes = File(PartyKind.Gateway);
        int model = bytes.AsSpan().IndexOf(PartyFileRoundTripTests.Source("mlp.onnx").ModelSha256);
        bytes[model + 5] ^= 0x01;
        Refused(bytes, PartyKind.Gateway, "the deployment id does not match the header's fields");
    }

    [Fact]
    public void Every_flipped_header_byte_is_refused()
    {
        foreach (PartyKind party in PartyFiles.Parties)
        {
            byte[] good = File(party);
            int body = PartyFile.BodyOffset(good);
            for (int at = 0; at < body; at++)
            {
                foreach (byte mask in new byte[] { 0x01, 0x80 })
                {
                    byte[] bytes = [.. good];
                    bytes[at] ^= mask;
                    Exception? e = Record.Exception(() => PartyFile.Decode(bytes, "x.party", party, Context));
                    Assert.True(e is PartyFileException, $"{party}: flipping byte {at} by 0x{mask:x2} gave {e?.GetType().Name ?? "no error"}: {e?.Message}");
                }
            }
        }
    }

    [Fact]
    public void A_flipped_byte_in_the_body_fails_the_hash()
    {
        byte[] bytes = File(PartyKind.Evaluator);
        bytes[^100] ^= 0x04;
        Refused(bytes, PartyKind.Evaluator, "the body's SHA-256 does not match the header");
    }

    [Fact]
    public void A_residue_not_below_p_is_refused()
    {
        byte[] bytes = File(PartyKind.Gateway);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(FirstWeightValue(bytes)), PrimeField.P);
        PartyFileException e = Refused(Reseal(bytes), PartyKind.Gateway, $"= {PrimeField.P} is not a residue mod p");
        Assert.StartsWith("block 1 weights: entry ", e.Problem);
    }

    [Fact]
    public void A_stored_zero_is_refused()
    {
        byte[] bytes = File(PartyKind.Garbler);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(FirstWeightValue(bytes)), 0);
        PartyFileException e = Refused(Reseal(bytes), PartyKind.Garbler, "is stored as 0 but the bitmap marks it non-zero");
        Assert.StartsWith("block 2 weights: entry ", e.Problem);
    }

    [Fact]
    public void A_body_from_another_deployment_is_refused()
    {
        // Same party, same model, another split: the body is authentic for its own header, not for this one.
        byte[] ours = File(PartyKind.Garbler);
        byte[] theirs = PartyFiles.Encode(PartyFileRoundTripTests.Split("mlp.onnx", 1), PartyFileRoundTripTests.Source("mlp.onnx")).Files[PartyKind.Garbler];
        byte[] mixed = [.. ours.AsSpan(0, PartyFile.BodyOffset(ours)), .. theirs.AsSpan(PartyFile.BodyOffset(theirs))];
        BinaryPrimitives.WriteUInt64LittleEndian(mixed.AsSpan(10), (ulong)mixed.Length);
        Refused(mixed, PartyKind.Garbler, "the body's SHA-256 does not match");
        Refused(Reseal(mixed), PartyKind.Garbler, "the body belongs to another deployment");
    }

    [Fact]
    public void An_oversized_file_is_refused_before_it_is_read()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seco-oversize-{Guid.NewGuid():N}.party");
        try
        {
            byte[] bytes = File(PartyKind.Gateway);
            System.IO.File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<PartyFileException>(() => PartyFile.ReadGateway(path, Context, maxBytes: bytes.Length - 1));
            Assert.Equal(path, e.Path);
            Assert.Contains("is larger than the", e.Problem);
            Assert.Equal(Mlp.Value.DeploymentId, PartyFile.ReadGateway(path, Context, maxBytes: bytes.Length).Header.DeploymentId);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seco-empty-{Guid.NewGuid():N}.party");
        try
        {
            System.IO.File.WriteAllBytes(path, []);
            Assert.Contains("empty", Assert.Throws<PartyFileException>(() => PartyFile.ReadUser(path, Context)).Problem);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Fact]
    public void Other_HE_parameters_are_refused()
    {
        BfvContext other = BfvContext.Create(BfvPresets.Default8192());
        Refused(File(PartyKind.User), PartyKind.User, "made for HE parameters n = 8192, t = 2061584302081", other);
    }

    [Fact]
    public void Inconsistent_but_authentic_headers_are_refused()
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 1);
        DeploymentSource source = PartyFileRoundTripTests.Source("mlp.onnx");
        byte[] Tampered(PartyKind party, Func<PartyFileFormat.SharedFields, BlockShape[], (PartyFileFormat.SharedFields, BlockShape[])> tamper) =>
            PartyFiles.Encode(split, source, tamper).Files[party];

        Refused(Tampered(PartyKind.Garbler, (s, r) => (s with { QueryBudget = 1 << 30 }, r)), PartyKind.Garbler, "the parameters do not hold together: a query budget of 1073741824 exceeds");
        Refused(Tampered(PartyKind.Garbler, (s, r) => (s, [r[0] with { Columns = 64 }, r[1]])), PartyKind.Garbler, "block 2 takes 64 inputs but block 1 gives 128");
        Refused(Tampered(PartyKind.Garbler, (s, r) => (s, [r[0], r[1] with { HasRelu = true, Shift = 8 }])), PartyKind.Garbler, "every block but the last must end in a ReLU");
        Refused(Tampered(PartyKind.Gateway, (s, r) => (s with { OutputSize = 11 }, r)), PartyKind.Gateway, "the header's sizes (input 784, transition 128, output 11) are not the blocks'");
        Refused(Tampered(PartyKind.Gateway, (s, r) => (s, [r[0] with { Rows = 5000 }, r[1]])), PartyKind.Gateway, "A 5000×128 matrix pads to 8192×128");
        Refused(Tampered(PartyKind.User, (s, r) => (s with { TransitionSize = 100 }, r)), PartyKind.User, "F_A gives 128 values but the transition size is 100");
        Refused(Tampered(PartyKind.User, (s, r) => (s with { InputSize = 783 }, r)), PartyKind.User, "block 1 takes 784 inputs but receives 783");
        Refused(Tampered(PartyKind.User, (s, r) => (s with { TransitionSize = 0 }, r)), PartyKind.User, "block 1 has a ReLU, but the model's last block is linear only");
        Refused(Tampered(PartyKind.User, (s, r) => (s with { GatewayBlocks = [s.GatewayBlocks[0] with { Rows = 5000 }], TransitionSize = 5000 }, r)), PartyKind.User, "exceeds the 4096 slots of a batching row");
    }

    /// <summary>Random damage anywhere (flips, overwrites, truncation, extension) is refused, and only as a PartyFileException.</summary>
    [Fact]
    public void Random_damage_never_gets_through_nor_escapes_as_another_exception()
    {
        var random = new Random(17);
        foreach (PartyKind party in PartyFiles.Parties)
        {
            byte[] good = File(party);
            int body = PartyFile.BodyOffset(good);
            for (int trial = 0; trial < 150; trial++)
            {
                byte[] bytes = [.. good];
                // Half the damage lands in the header, where the parsing is; the body is one hashed blob.
                int Position() => random.Next(2) == 0 ? random.Next(body) : random.Next(bytes.Length);
                switch (random.Next(4))
                {
                    case 0:
                        bytes[Position()] ^= (byte)(1 << random.Next(8));
                        break;
                    case 1:
                        for (int k = random.Next(1, 5); k > 0; k--) bytes[Position()] = (byte)random.Next(256);
                        break;
                    case 2:
                        bytes = bytes[..Position()];
                        break;
                    default:
                        bytes = [.. bytes, .. Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256))];
                        break;
                }
                if (bytes.AsSpan().SequenceEqual(good)) continue; // the overwrite happened to write the same bytes
                Exception? e = Record.Exception(() => PartyFile.Decode(bytes, "x.party", party, Context));
                Assert.True(e is PartyFileException, $"{party}, trial {trial}: {e?.GetType().Name ?? "accepted"}: {e?.Message}");
            }
        }
    }

    [Fact]
    public void The_reader_asks_for_a_remote_server()
    {
        Assert.Throws<ArgumentException>(() => PartyFile.ReadRemote("x.party", PartyKind.Gateway, Context));
        Assert.Throws<FileNotFoundException>(() => PartyFile.ReadRemote(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.party"), PartyKind.Garbler, Context));
    }
}
