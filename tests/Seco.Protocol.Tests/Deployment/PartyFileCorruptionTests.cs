using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Lattice.Parameters;
using Seco.MessagePack;
using Seco.Nn.Field;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Seco.Protocol.Roles;
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

    /// <summary>mlp at l = 0 on two tiers of two (blocks 1..2 and 3).</summary>
    private static readonly Lazy<EncodedDeployment> TwoTiers = new(() => PartyFiles.Encode(PartyFileRoundTripTests.Split("mlp.onnx", 0, "2:2,2:1"), PartyFileRoundTripTests.Source("mlp.onnx")));

    private static byte[] File(Party party) => [.. Mlp.Value.Files[party]];

    /// <summary>"gateway", "user" or a server's slug ("t2s1").</summary>
    private static Party Of(string slug) => slug switch
    {
        "gateway" => Party.Gateway,
        "user" => Party.User,
        _ => Party.Server(slug[1] - '0', slug[3] - '0'),
    };

    private static PartyFileException Refused(byte[] bytes, Party party, string problem, BfvContext? context = null)
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
        r.ReadArrayHeader(); // [party, id, blocks]
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
        byte[] bytes = File(Party.Gateway);
        Refused(bytes[..(keep >= 0 ? keep : bytes.Length + keep)], Party.Gateway, "truncated");
    }

    [Fact]
    public void Extra_bytes_are_refused() =>
        Refused([.. File(Party.Garbler), 0], Party.Garbler, "the header says the file has");

    [Fact]
    public void A_wrong_magic_is_refused()
    {
        byte[] bytes = File(Party.User);
        bytes[3] ^= 0x20;
        Refused(bytes, Party.User, "not a SECO party file");
    }

    [Fact]
    public void Another_format_version_is_refused()
    {
        byte[] bytes = File(Party.User);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 4);
        Refused(bytes, Party.User, "format version 4 is not supported (this build reads version 3)");
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("t1s0")]
    [InlineData("user")]
    public void A_version_1_file_is_refused_with_the_way_out(string party)
    {
        byte[] bytes = File(Of(party));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 1);
        PartyFileException e = Refused(bytes, Of(party), "format version 1 (one tier of two servers) is no longer read (this build reads version 3");
        Assert.Contains("run `seco split` again", e.Problem);
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("t1s0")]
    [InlineData("user")]
    public void A_version_2_file_is_refused_with_the_way_out(string party)
    {
        byte[] bytes = File(Of(party));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        PartyFileException e = Refused(bytes, Of(party), "format version 2 (every block a matrix) is no longer read (this build reads version 3, which carries each block's form)");
        Assert.Contains("run `seco split` again", e.Problem);
    }

    [Theory]
    [InlineData("t1s0", "t1s1")]
    [InlineData("t1s1", "t1s0")]
    [InlineData("gateway", "user")]
    [InlineData("user", "gateway")]
    [InlineData("t1s0", "gateway")]
    public void Another_partys_file_is_refused(string file, string expected) =>
        Refused(File(Of(file)), Of(expected), $"this is the {Of(file)}'s file, not the {Of(expected)}'s");

    [Theory]
    [InlineData("t2s0", "t1s0", "this is the tier 2 garbler's file, not the tier 1 garbler's")]
    [InlineData("t1s1", "t2s1", "this is the tier 1 evaluator's file, not the tier 2 evaluator's")]
    [InlineData("t2s1", "t2s0", "this is the tier 2 evaluator's file, not the tier 2 garbler's")]
    public void A_file_read_as_another_server_is_refused(string file, string expected, string problem) =>
        Refused([.. TwoTiers.Value.Files[Of(file)]], Of(expected), problem);

    [Fact]
    public void A_flipped_party_is_refused_by_the_body()
    {
        // The party is not under the deployment id (it differs per file), so a flip must be caught by the body's copy.
        byte[] bytes = File(Party.Garbler);
        int code = 18 + 3; // after the prefix and the array 16 header of 20 fields
        Assert.Equal((byte)Party.Garbler.Code, bytes[code]);
        bytes[code] = (byte)Party.Evaluator.Code;
        Refused(bytes, Party.Evaluator, "the body belongs to another party's file");
    }

    [Fact]
    public void A_party_code_that_names_no_party_is_refused()
    {
        byte[] bytes = File(Party.Garbler);
        bytes[18 + 3] = 5; // between the gateway (0) and tier 1 (64)
        Refused(bytes, Party.Garbler, "party: 5 names no party");
    }

    /// <summary>Where the header's tier layout is: just before the commitment's key (bin 16, 2 bytes of header) and the body hash (bin 32, 2 bytes of header).</summary>
    private static int TiersEnd(byte[] bytes) => PartyFile.BodyOffset(bytes) - 34 - 18;

    [Theory]
    [InlineData("gateway")]
    [InlineData("t1s0")]
    [InlineData("t2s1")]
    public void An_edited_tier_layout_is_refused(string party)
    {
        byte[] good = [.. TwoTiers.Value.Files[Of(party)]];
        int end = TiersEnd(good);
        // [[2, 2], [2, 1]]: array 2 of two arrays 2.
        Assert.Equal(new byte[] { 0x92, 0x92, 2, 2, 0x92, 2, 1 }, good[(end - 7)..end]);

        byte[] moved = [.. good];
        moved[end - 4] = 1; // tier 1 holds block 1 only
        moved[end - 1] = 2; // tier 2 holds blocks 2..3
        Refused(moved, Of(party), "F_BC's block shapes or the hierarchy do not match their commitment");

        byte[] wider = [.. good];
        wider[end - 2] = 3; // tier 2 has three servers
        Refused(wider, Of(party), "F_BC's block shapes or the hierarchy do not match their commitment");
    }

    [Fact]
    public void A_server_outside_its_files_hierarchy_is_refused()
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 0, "2:2,2:1");
        DeploymentSource source = PartyFileRoundTripTests.Source("mlp.onnx");
        // (A budget every layout below covers: the default is the most this split's own layout covers.)
        byte[] Tampered(Party party, TierSpec[] tiers) => PartyFiles.Encode(split, source, (s, r, _) => (s with { QueryBudget = 8 }, r, tiers)).Files[party];

        // Authentic headers (the commitment is over the edited tiers) that do not fit the file's own party or blocks.
        Refused(Tampered(Of("t2s0"), [new TierSpec(2, 3)]), Of("t2s0"), "the file is the tier 2 garbler's, but its hierarchy has 1 remote tier");
        Refused(Tampered(Of("t1s0"), [new TierSpec(2, 1), new TierSpec(2, 1)]), Of("t1s0"), "the parameters do not hold together: the tiers hold 2 blocks, but F_BC has 3");
        Refused(Tampered(Of("t1s0"), []), Of("t1s0"), "the parameters do not hold together: a hierarchy has 1..16 remote tiers, not 0");
        // Tier 1 said to hold block 1 only: t1s0's body still holds its share of blocks 1..2.
        Refused(Tampered(Of("t1s0"), [new TierSpec(2, 1), new TierSpec(2, 2)]), Of("t1s0"), "body: 2 blocks, expected 1 (blocks 1..1)");

        ModelSplit wide = PartyFileRoundTripTests.Split("mlp.onnx", 1, "3:2");
        Refused(PartyFiles.Encode(wide, source, (s, r, _) => (s with { QueryBudget = 8 }, r, [new TierSpec(2, 2)])).Files[Of("t1s2")], Of("t1s2"),
            "the file is the tier 1 provider 2's, but tier 1 of its hierarchy has 2 servers");
    }

    [Fact]
    public void A_flipped_byte_in_the_header_is_refused()
    {
        byte[] bytes = File(Party.Gateway);
        int model = bytes.AsSpan().IndexOf(PartyFileRoundTripTests.Source("mlp.onnx").ModelSha256);
        bytes[model + 5] ^= 0x01;
        Refused(bytes, Party.Gateway, "the deployment id does not match the header's fields");
    }

    [Fact]
    public void Every_flipped_header_byte_is_refused()
    {
        foreach ((Party party, byte[] file) in Mlp.Value.Files.Concat(TwoTiers.Value.Files.Where(f => f.Key.Tier == 2)))
        {
            byte[] good = [.. file];
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
        byte[] bytes = File(Party.Evaluator);
        bytes[^100] ^= 0x04;
        Refused(bytes, Party.Evaluator, "the body's SHA-256 does not match the header");
    }

    [Fact]
    public void A_residue_not_below_p_is_refused()
    {
        byte[] bytes = File(Party.Gateway);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(FirstWeightValue(bytes)), PrimeField.P);
        PartyFileException e = Refused(Reseal(bytes), Party.Gateway, $"= {PrimeField.P} is not a residue mod p");
        Assert.StartsWith("block 1 weights: entry ", e.Problem);
    }

    [Fact]
    public void A_stored_zero_is_refused()
    {
        byte[] bytes = File(Party.Garbler);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(FirstWeightValue(bytes)), 0);
        PartyFileException e = Refused(Reseal(bytes), Party.Garbler, "is stored as 0 but the bitmap marks it non-zero");
        Assert.StartsWith("block 2 weights: entry ", e.Problem);
    }

    [Fact]
    public void A_body_from_another_deployment_is_refused()
    {
        // Same party, same model, another split: the body is authentic for its own header, not for this one.
        byte[] ours = File(Party.Garbler);
        byte[] theirs = PartyFiles.Encode(PartyFileRoundTripTests.Split("mlp.onnx", 1), PartyFileRoundTripTests.Source("mlp.onnx")).Files[Party.Garbler];
        byte[] mixed = [.. ours.AsSpan(0, PartyFile.BodyOffset(ours)), .. theirs.AsSpan(PartyFile.BodyOffset(theirs))];
        BinaryPrimitives.WriteUInt64LittleEndian(mixed.AsSpan(10), (ulong)mixed.Length);
        Refused(mixed, Party.Garbler, "the body's SHA-256 does not match");
        Refused(Reseal(mixed), Party.Garbler, "the body belongs to another deployment");
    }

    [Fact]
    public void An_oversized_file_is_refused_before_it_is_read()
    {
        string path = Path.Combine(Path.GetTempPath(), $"seco-oversize-{Guid.NewGuid():N}.party");
        try
        {
            byte[] bytes = File(Party.Gateway);
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
        Refused(File(Party.User), Party.User, "made for HE parameters n = 8192, t = 2061584302081", other);
    }

    [Fact]
    public void Inconsistent_but_authentic_headers_are_refused()
    {
        ModelSplit split = PartyFileRoundTripTests.Split("mlp.onnx", 1);
        DeploymentSource source = PartyFileRoundTripTests.Source("mlp.onnx");
        byte[] Tampered(Party party, Func<PartyFileFormat.SharedFields, BlockShape[], (PartyFileFormat.SharedFields, BlockShape[])> tamper) =>
            PartyFiles.Encode(split, source, tamper).Files[party];

        Refused(Tampered(Party.Garbler, (s, r) => (s with { QueryBudget = 1 << 30 }, r)), Party.Garbler, "the parameters do not hold together: a query budget of 1073741824 exceeds");
        Refused(Tampered(Party.Garbler, (s, r) => (s, [r[0] with { Columns = 64, Input = Seco.Nn.Layers.Shape.Vector(64) }, r[1]])), Party.Garbler, "block 2 takes 64 inputs but block 1 gives 128");
        Refused(Tampered(Party.Garbler, (s, r) => (s, [r[0] with { Columns = 64 }, r[1]])), Party.Garbler, "F_BC's shapes: block 2's input 128 is not its 64 columns");
        Refused(Tampered(Party.Garbler, (s, r) => (s, [r[0], r[1] with { HasRelu = true, Shift = 8 }])), Party.Garbler, "every block but the last must end in a ReLU");
        Refused(Tampered(Party.Gateway, (s, r) => (s with { OutputSize = 11 }, r)), Party.Gateway, "the header's sizes (input 784, transition 128, output 11) are not the blocks'");
        Refused(Tampered(Party.Gateway, (s, r) => (s, [r[0] with { Rows = 5000 }, r[1]])), Party.Gateway, "A 5000×128 matrix pads to 8192×128");
        Refused(Tampered(Party.User, (s, r) => (s with { Transition = Seco.Nn.Layers.Shape.Vector(100) }, r)), Party.User, "F_A gives 128 values but the transition size is 100");
        Refused(Tampered(Party.User, (s, r) => (s with { InputSize = 783 }, r)), Party.User, "block 1 takes 784 inputs but receives 783");
        Refused(Tampered(Party.User, (s, r) => (s with { Transition = Seco.Nn.Layers.Shape.Vector(0) }, r)), Party.User, "block 1 has a ReLU, but the model's last block is linear only");
        Refused(Tampered(Party.User, (s, r) => (s with { GatewayBlocks = [s.GatewayBlocks[0] with { Rows = 5000 }], Transition = Seco.Nn.Layers.Shape.Vector(5000) }, r)), Party.User, "block 1: A 5000×784 matrix pads to");
    }

    /// <summary>Random damage anywhere (flips, overwrites, truncation, extension) is refused, and only as a PartyFileException.</summary>
    [Fact]
    public void Random_damage_never_gets_through_nor_escapes_as_another_exception()
    {
        var random = new Random(17);
        foreach ((Party party, byte[] file) in Mlp.Value.Files.Concat(TwoTiers.Value.Files.Where(f => f.Key.Tier == 2)))
        {
            byte[] good = [.. file];
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
        Assert.Throws<ArgumentException>(() => PartyFile.ReadRemote("x.party", Party.Gateway, Context));
        Assert.Throws<ArgumentException>(() => PartyFile.ReadRemote("x.party", Party.User, Context));
        Assert.Throws<FileNotFoundException>(() => PartyFile.ReadRemote(Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.party"), Party.Garbler, Context));
    }
}
