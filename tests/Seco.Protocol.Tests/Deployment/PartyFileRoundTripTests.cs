using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Deployment;

/// <summary>
/// Issue 17: the owner's split as one file per party. Loaded files give the parties exactly what the in-memory split
/// gives them, the shares still sum to F_BC, and the user's file holds no weight.
/// </summary>
public sealed class PartyFileRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-party-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static DeploymentSource Source(string file) =>
        new(SHA256.HashData(File.ReadAllBytes(Path.Combine(Seco.Tests.Shared.TestHost.Root, "models", file))), FixedPointFormat.DefaultFractionalBits, "seco-8192");

    private static readonly Dictionary<(string, int, string), ModelSplit> Splits = [];

    /// <param name="tiers">Per tier "servers:blocks", e.g. "2:1,2:1" (empty: one tier of two, the default).</param>
    internal static ModelSplit Split(string file, int split, string tiers = "")
    {
        lock (Splits)
        {
            if (!Splits.TryGetValue((file, split, tiers), out ModelSplit? s))
                Splits[(file, split, tiers)] = s = ModelSplit.Create(EndToEndTests.Model(file), split, EndToEndTests.Context.Value, null, TiersOf(tiers));
            return s;
        }
    }

    private static TierSpec[]? TiersOf(string tiers) => tiers == "" ? null
        : [.. tiers.Split(',').Select(t => new TierSpec(int.Parse(t.Split(':')[0]), int.Parse(t.Split(':')[1])))];

    private (WrittenDeployment Written, GatewayPartyFile Gateway, RemotePartyFile Garbler, RemotePartyFile Evaluator, UserPartyFile User) WriteAndRead(ModelSplit split, string model)
    {
        WrittenDeployment written = PartyFiles.Write(split, Source(model), _dir);
        string PathOf(Party party) => written.Files.Single(f => f.Party == party).Path;
        var context = EndToEndTests.Context.Value;
        return (written, PartyFile.ReadGateway(PathOf(Party.Gateway), context), PartyFile.ReadRemote(PathOf(Party.Garbler), Party.Garbler, context),
            PartyFile.ReadRemote(PathOf(Party.Evaluator), Party.Evaluator, context), PartyFile.ReadUser(PathOf(Party.User), context));
    }

    [Fact]
    public void The_planners_forms_and_the_transition_shape_survive_the_files()
    {
        ModelSplit split = ModelSplit.Create(EndToEndTests.Model("lenet.onnx"), 1, EndToEndTests.Context.Value, forms: Seco.Protocol.Model.Planning.FormPolicy.Planner);
        var (_, gateway, garbler, _, user) = WriteAndRead(split, "lenet.onnx");
        Assert.NotNull(split.Parameters.Block(1).Conv);
        Assert.Equal(split.Parameters.Blocks, gateway.Parameters.Blocks);
        Assert.Equal(split.Parameters.Blocks, garbler.Parameters.Blocks);
        Assert.Equal(split.Parameters.GaloisElements, garbler.Parameters.GaloisElements);
        Assert.Equal(split.Parameters.ForUser().GatewayBlocks, user.View.GatewayBlocks);
        Assert.Equal(new Seco.Nn.Layers.Shape(20, 12, 12), user.View.TransitionShape);
        Assert.Equal(split.Gateway.Weights(1), gateway.Model.Weights(1)); // the 20×1×6×6 kernel of the composed conv + pool
        Assert.Equal(20 * 36, gateway.Model.Weights(1).Length);
    }

    [Theory]
    [InlineData("mlp.onnx", 0)]
    [InlineData("mlp.onnx", 1)]
    [InlineData("minionn.onnx", 1)]
    public void Loaded_files_give_every_party_what_the_split_gave_it(string model, int l)
    {
        ModelSplit split = Split(model, l);
        var (written, gateway, garbler, evaluator, user) = WriteAndRead(split, model);
        SecoParameters p = split.Parameters;

        foreach (SecoParameters loaded in new[] { gateway.Parameters, garbler.Parameters, evaluator.Parameters })
        {
            Assert.Equal(p.Tiers, loaded.Tiers);
            Assert.Same(p.Context, loaded.Context);
            Assert.Equal(p.Blocks, loaded.Blocks);
            Assert.Equal(p.Split, loaded.Split);
            Assert.Equal(p.Budget.Queries, loaded.Budget.Queries);
            Assert.Equal(p.Budget.MaxQueries, loaded.Budget.MaxQueries);
            Assert.Equal(p.Budget.ModelLifetimeQueries, loaded.Budget.ModelLifetimeQueries);
            Assert.Equal(p.Budget.FloodingBits, loaded.Budget.FloodingBits);
            Assert.Equal(p.GaloisElements, loaded.GaloisElements);
            for (int i = l + 1; i <= p.BlockCount; i++)
                Assert.Equal(p.Budget.DecryptionBoundBits(i), loaded.Budget.DecryptionBoundBits(i));
        }
        for (int i = 1; i <= l; i++)
        {
            Assert.Equal(split.Gateway.Weights(i), gateway.Model.Weights(i));
            Assert.Equal(split.Gateway.Bias(i), gateway.Model.Bias(i));
        }
        Assert.Equal(0, gateway.Model.ServedQueries);
        for (int i = l + 1; i <= p.BlockCount; i++)
        {
            Assert.Equal(split.Garbler.Weights(i), garbler.Share.Weights(i));
            Assert.Equal(split.Garbler.Bias(i), garbler.Share.Bias(i));
            Assert.Equal(split.Evaluator.Weights(i), evaluator.Share.Weights(i));
            Assert.Equal(split.Evaluator.Bias(i), evaluator.Share.Bias(i));
        }

        UserView expected = p.ForUser();
        Assert.Same(expected.Context, user.View.Context);
        Assert.Equal(expected.GatewayBlocks, user.View.GatewayBlocks);
        Assert.Equal((expected.InputSize, expected.TransitionShape, expected.OutputSize), (user.View.InputSize, user.View.TransitionShape, user.View.OutputSize));

        PartyFileHeader[] headers = [gateway.Header, garbler.Header, evaluator.Header, user.Header];
        Assert.All(headers, h => Assert.Equal(written.DeploymentId, h.DeploymentId));
        Assert.All(headers, h => Assert.Equal(Convert.ToHexStringLower(Source(model).ModelSha256), h.ModelSha256));
        Assert.All(headers, h => Assert.Equal((3, 8, "seco-8192", 8192, PrimeField.P, l, p.Budget.Queries), (h.FormatVersion, h.FractionalBits, h.CryptoPreset, h.PolyModulusDegree, h.PlainModulus, h.Split, h.QueryBudget)));
        Assert.Equal([Party.Gateway, Party.Garbler, Party.Evaluator, Party.User], headers.Select(h => h.Party));
        Assert.Equal(["gateway.party", "t1s0.party", "t1s1.party", "user.party"], written.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.Equal((Party.Garbler, Party.Evaluator), (garbler.Server, evaluator.Server));
        Assert.Null(user.Header.RemoteBlocks);
        Assert.Null(user.Header.Tiers);
        Assert.Equal(p.Blocks.Skip(l), gateway.Header.RemoteBlocks!);
        Assert.Equal(p.Tiers, gateway.Header.Tiers!);
        Assert.Equal(p.Tiers, garbler.Header.Tiers!);
        Assert.Equal(written.Files.Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f.Path)))), written.Files.Select(f => f.Sha256));
        Assert.Equal(written.Files.Select(f => new FileInfo(f.Path).Length), written.Files.Select(f => f.Bytes));
    }

    [Theory]
    [InlineData("mlp.onnx", 0)]
    [InlineData("minionn.onnx", 1)]
    public void The_share_files_sum_to_the_fixed_point_F_BC(string model, int l)
    {
        FixedPointModel fixedModel = EndToEndTests.Model(model);
        var (_, _, garbler, evaluator, _) = WriteAndRead(Split(model, l), model);
        for (int i = l + 1; i <= fixedModel.Blocks.Count; i++)
        {
            BlockMatrix m = BlockMatrix.Build(fixedModel.Blocks[i - 1]);
            Assert.Equal(Array.ConvertAll(m.Weights, PrimeField.FromSigned), ZpVector.Add(garbler.Share.Weights(i), evaluator.Share.Weights(i)));
            Assert.Equal(Array.ConvertAll(m.Bias, PrimeField.FromSigned), ZpVector.Add(garbler.Share.Bias(i), evaluator.Share.Bias(i)));
            // A share on its own is not the weights: F² is uniform on the structural support (D10).
            Assert.NotEqual(Array.ConvertAll(m.Weights, PrimeField.FromSigned), garbler.Share.Weights(i));
        }
    }

    [Fact]
    public void With_l_equal_to_L_there_is_no_server_file()
    {
        ModelSplit split = Split("mlp.onnx", 3);
        WrittenDeployment written = PartyFiles.Write(split, Source("mlp.onnx"), _dir);
        Assert.Equal([Party.Gateway, Party.User], written.Files.Select(f => f.Party));
        GatewayPartyFile gateway = PartyFile.ReadGateway(written.Files[0].Path, EndToEndTests.Context.Value);
        Assert.Empty(gateway.Header.RemoteBlocks!);
        Assert.Empty(gateway.Header.Tiers!);
        Assert.Empty(gateway.Parameters.Tiers);
        for (int i = 1; i <= 3; i++)
            Assert.Equal(split.Gateway.Weights(i), gateway.Model.Weights(i));
        Assert.Equal(0, PartyFile.ReadUser(written.Files[1].Path, EndToEndTests.Context.Value).View.TransitionSize);
    }

    /// <summary>Every server of every tier gets a file that decodes to exactly its share of its own tier's blocks.</summary>
    [Theory]
    [InlineData("mlp.onnx", 0, "2:2,2:1")]
    [InlineData("mlp.onnx", 1, "3:2")]
    [InlineData("mlp.onnx", 0, "2:1,3:1,2:1")]
    public void Every_server_of_every_tier_loads_exactly_its_share(string model, int l, string tiers)
    {
        ModelSplit split = Split(model, l, tiers);
        SecoParameters p = split.Parameters;
        WrittenDeployment written = PartyFiles.Write(split, Source(model), _dir);
        Party[] servers = [.. p.Tiers.SelectMany(t => Enumerable.Range(0, t.Servers).Select(j => Party.Server(t.Tier, j)))];
        Assert.Equal([Party.Gateway, .. servers, Party.User], written.Files.Select(f => f.Party));
        Assert.Equal(["gateway.party", .. servers.Select(s => $"t{s.Tier}s{s.Index}.party"), "user.party"], written.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.Equal(written.Files.Count, Directory.GetFiles(_dir).Length);

        var context = EndToEndTests.Context.Value;
        GatewayPartyFile gateway = PartyFile.ReadGateway(written.Files[0].Path, context);
        Assert.Equal(p.Tiers, gateway.Parameters.Tiers);
        Assert.Equal(p.Tiers, gateway.Header.Tiers!);
        foreach (Party server in servers)
        {
            RemotePartyFile file = PartyFile.ReadRemote(written.Files.Single(f => f.Party == server).Path, server, context);
            Assert.Equal(server, file.Server);
            Assert.Equal(written.DeploymentId, file.Header.DeploymentId);
            Assert.Equal(p.Tiers, file.Parameters.Tiers);
            Assert.Equal(p.Blocks, file.Parameters.Blocks);
            for (int t = 1; t <= p.Depth; t++)
                Assert.Equal(p.GaloisElementsOf(t), file.Parameters.GaloisElementsOf(t));
            TierShape tier = p.Tier(server.Tier);
            RemoteShare expected = split.Share(server);
            foreach (int i in tier.Blocks)
            {
                Assert.Equal(expected.Weights(i), file.Share.Weights(i));
                Assert.Equal(expected.Bias(i), file.Share.Bias(i));
            }
            // Exactly its tier's blocks: nothing of another tier's segment.
            foreach (int i in Enumerable.Range(l + 1, p.BlockCount - l).Where(i => !tier.Contains(i)))
                Assert.Throws<KeyNotFoundException>(() => file.Share.Weights(i));
        }
        UserPartyFile user = PartyFile.ReadUser(written.Files[^1].Path, context);
        Assert.Null(user.Header.Tiers);
        Assert.Null(user.Header.RemoteBlocks);
    }

    /// <summary>The user's file says nothing of the hierarchy: it is byte for byte the same size whatever the tiers.</summary>
    [Fact]
    public void The_user_file_is_the_same_whatever_the_hierarchy()
    {
        // The same query budget: the default (the most the smudging covers) depends on the layout, and the user knows it.
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        byte[] one = PartyFiles.Encode(ModelSplit.Create(model, 0, EndToEndTests.Context.Value, 16), Source("mlp.onnx")).Files[Party.User];
        byte[] deep = PartyFiles.Encode(ModelSplit.Create(model, 0, EndToEndTests.Context.Value, 16, TiersOf("2:1,3:1,2:1")), Source("mlp.onnx")).Files[Party.User];
        Assert.Equal(one.Length, deep.Length);
        // Past the header's party and id and the nonce, only the commitment (and so the id and the body's id) differ.
        UserPartyFile a = (UserPartyFile)PartyFile.Decode(one, "user.party", Party.User, EndToEndTests.Context.Value);
        UserPartyFile b = (UserPartyFile)PartyFile.Decode(deep, "user.party", Party.User, EndToEndTests.Context.Value);
        Assert.Equal(a.Header.GatewayBlocks, b.Header.GatewayBlocks);
        Assert.Equal(a.Header with { DeploymentId = "", BodySha256 = "", GatewayBlocks = [] }, b.Header with { DeploymentId = "", BodySha256 = "", GatewayBlocks = [] });
    }

    [Fact]
    public void The_user_file_holds_no_weight_and_nothing_of_F_BC()
    {
        ModelSplit split = Split("minionn.onnx", 1);
        EncodedDeployment encoded = PartyFiles.Encode(split, Source("minionn.onnx"));
        byte[] user = encoded.Files[Party.User];
        Assert.InRange(user.Length, 1, 512);

        var secrets = new HashSet<ulong>();
        secrets.UnionWith(split.Gateway.Weights(1).Concat(split.Gateway.Bias(1)).Where(v => v != 0));
        for (int i = 2; i <= split.Parameters.BlockCount; i++)
            secrets.UnionWith(split.Garbler.Weights(i).Concat(split.Evaluator.Weights(i)).Concat(split.Garbler.Bias(i)).Concat(split.Evaluator.Bias(i)).Where(v => v != 0));
        var word = new byte[8];
        foreach (ulong secret in secrets)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, secret);
            Assert.True(user.AsSpan().IndexOf(word) < 0, $"the user's file contains the residue {secret}");
        }
        UserPartyFile loaded = (UserPartyFile)PartyFile.Decode(user, "user.party", Party.User, EndToEndTests.Context.Value);
        Assert.Null(loaded.Header.RemoteBlocks);
        Assert.Null(loaded.Header.Tiers);
        Assert.Single(loaded.Header.GatewayBlocks);
    }

    [Fact]
    public void Each_server_file_holds_only_its_own_part()
    {
        ModelSplit split = Split("minionn.onnx", 1);
        EncodedDeployment encoded = PartyFiles.Encode(split, Source("minionn.onnx"));
        var word = new byte[8];
        void Absent(byte[] file, IEnumerable<ulong> values, string what)
        {
            foreach (ulong v in values.Where(v => v != 0).Distinct().Take(300))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(word, v);
                Assert.True(file.AsSpan().IndexOf(word) < 0, $"{what}: residue {v}");
            }
        }
        Absent(encoded.Files[Party.Garbler], split.Evaluator.Weights(2), "the garbler's file holds the evaluator's share");
        Absent(encoded.Files[Party.Evaluator], split.Garbler.Weights(2), "the evaluator's file holds the garbler's share");
        Absent(encoded.Files[Party.Gateway], split.Garbler.Weights(2).Concat(split.Evaluator.Weights(2)), "the gateway's file holds a share of F_BC");
        Absent(encoded.Files[Party.Garbler], split.Gateway.Weights(1).Where(v => v > 1 << 20), "the garbler's file holds F_A");
    }

    [Fact]
    public void Every_split_is_a_new_deployment()
    {
        ModelSplit split = Split("mlp.onnx", 1);
        EncodedDeployment a = PartyFiles.Encode(split, Source("mlp.onnx")), b = PartyFiles.Encode(split, Source("mlp.onnx"));
        Assert.NotEqual(a.DeploymentId, b.DeploymentId);
        Assert.Matches("^[0-9a-f]{16}$", a.DeploymentId);
    }

    [Fact]
    public void Roles_built_from_the_files_compute_the_reference_bit_for_bit()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        var (_, gateway, garbler, evaluator, user) = WriteAndRead(ModelSplit.Create(model, 1, EndToEndTests.Context.Value), "mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 1);
        var loop = new ProtocolLoopback(new UserRole(user.View, inputs), new GatewayRole(gateway.Parameters, gateway.Model),
            new GarblerRole(garbler.Parameters, garbler.Share), new EvaluatorRole(evaluator.Parameters, evaluator.Share));
        loop.Run();

        PredictionReady prediction = Assert.Single(loop.Events.OfType<PredictionReady>());
        long[] expected = FixedPointReference.Forward(model, inputs[0].Select(PrimeField.ToSigned).ToArray()).Logits;
        Assert.Equal(expected, prediction.Logits.Select(PrimeField.ToSigned).ToArray());
    }

    [Fact]
    public void Roles_built_from_the_files_of_two_tiers_compute_the_reference_bit_for_bit()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        WrittenDeployment written = PartyFiles.Write(ModelSplit.Create(model, 0, EndToEndTests.Context.Value, null, [new TierSpec(2, 2), new TierSpec(2, 1)]), Source("mlp.onnx"), _dir);
        var context = EndToEndTests.Context.Value;
        ulong[][] inputs = EndToEndTests.Inputs(model, 1);
        GatewayPartyFile gateway = PartyFile.ReadGateway(written.Files[0].Path, context);
        UserPartyFile user = PartyFile.ReadUser(written.Files[^1].Path, context);
        var loop = new ProtocolLoopback([new UserRole(user.View, inputs), new GatewayRole(gateway.Parameters, gateway.Model),
            .. written.Files.Where(f => f.Party.IsServer).Select(f => PartyFile.ReadRemote(f.Path, f.Party, context))
                .Select(r => RemoteServerRole.For(r.Parameters, r.Share, r.Server))]);
        loop.Run();

        PredictionReady prediction = Assert.Single(loop.Events.OfType<PredictionReady>());
        long[] expected = FixedPointReference.Forward(model, inputs[0].Select(PrimeField.ToSigned).ToArray()).Logits;
        Assert.Equal(expected, prediction.Logits.Select(PrimeField.ToSigned).ToArray());
    }

    [Fact]
    public void The_key_share_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        WrittenDeployment written = PartyFiles.Write(Split("mlp.onnx", 1), Source("mlp.onnx"), _dir);
        foreach (WrittenPartyFile f in written.Files)
        {
            UnixFileMode mode = File.GetUnixFileMode(f.Path);
            if (PartyFiles.HoldsSecrets(f.Party))
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
            else
                Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
        }
        Assert.Equal(4, Directory.GetFiles(_dir).Length); // no temporary file left behind
    }

    [Fact]
    public void Write_refuses_to_overwrite_unless_asked()
    {
        ModelSplit split = Split("mlp.onnx", 1);
        WrittenDeployment first = PartyFiles.Write(split, Source("mlp.onnx"), _dir);
        byte[] before = File.ReadAllBytes(first.Files[0].Path);
        Assert.Throws<IOException>(() => PartyFiles.Write(split, Source("mlp.onnx"), _dir));
        Assert.Equal(before, File.ReadAllBytes(first.Files[0].Path));
        WrittenDeployment second = PartyFiles.Write(split, Source("mlp.onnx"), _dir, overwrite: true);
        Assert.NotEqual(first.DeploymentId, second.DeploymentId);
        Assert.Equal(second.DeploymentId, PartyFile.ReadUser(second.Files[3].Path, EndToEndTests.Context.Value).Header.DeploymentId);
        Assert.Equal(4, Directory.GetFiles(_dir).Length);
    }
}
