using Seco.Lattice.Parameters;
using Seco.Nn.Tests;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Deployment;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>Issue 17: `seco split` writes the owner's split as one file per party.</summary>
public sealed class SplitCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-split-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Lazy<BfvContext> Context = new(() => BfvContext.Create(BfvPresets.Seco8192()));

    private string Out => Path.Combine(_dir, "deploy");

    private CliHarness.Result Split(params string[] extra) =>
        CliHarness.Run(["split", "--model", RepoPaths.Models("mlp.onnx"), "--out", Out, .. extra]);

    [Fact]
    public void Writes_four_party_files_of_one_deployment()
    {
        CliHarness.Result r = Split("--split", "1", "--query-budget", "32");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Error);
        Assert.Equal(["gateway.party", "t1s0.party", "t1s1.party", "user.party"], Directory.GetFiles(Out).Select(Path.GetFileName).Order());

        string id = PartyFile.ReadGateway(Path.Combine(Out, "gateway.party"), Context.Value).Header.DeploymentId;
        Assert.Equal(id, PartyFile.ReadRemote(Path.Combine(Out, "t1s0.party"), Party.Garbler, Context.Value).Header.DeploymentId);
        Assert.Equal(id, PartyFile.ReadRemote(Path.Combine(Out, "t1s1.party"), Party.Evaluator, Context.Value).Header.DeploymentId);
        UserPartyFile user = PartyFile.ReadUser(Path.Combine(Out, "user.party"), Context.Value);
        Assert.Equal((id, 1, 32), (user.Header.DeploymentId, user.Header.Split, user.Header.QueryBudget));

        Assert.Contains($"deployment id: {id}", r.Output);
        foreach (string name in new[] { "gateway.party", "t1s0.party", "t1s1.party", "user.party", "gateway A", "tier 1 garbler", "tier 1 evaluator", "its share of blocks 2..3" })
            Assert.Contains(name, r.Output);
        foreach (string file in Directory.GetFiles(Out))
            Assert.Contains(new FileInfo(file).Length.ToString("N0"), r.Output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Out, "t1s0.party")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Out, "gateway.party")));
        }
    }

    [Fact]
    public void A_split_past_the_last_block_is_a_one_line_error_and_writes_nothing()
    {
        CliHarness.Result r = Split("--split", "4");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: --split 4 is past the model's last block; 'mlp' has 3 blocks, so split must be 0..3", r.Error.TrimEnd());
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void A_query_budget_past_the_smudging_is_refused()
    {
        CliHarness.Result r = Split("--split", "1", "--query-budget", "1048576");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("error: --query-budget: a query budget of 1048576 exceeds what the smudging can cover", r.Error);
        Assert.False(Directory.Exists(Out));
    }

    [Theory]
    [InlineData("--split", "-1")]
    [InlineData("--split", "one")]
    [InlineData("--query-budget", "0")]
    public void Bad_values_are_refused_while_parsing(string option, string value)
    {
        CliHarness.Result r = option == "--split" ? Split(option, value) : Split("--split", "1", option, value);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"error: {option}", r.Error);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void The_split_is_required()
    {
        CliHarness.Result r = Split();
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--split", r.Error);
    }

    [Fact]
    public void Refuses_to_overwrite_a_deployment_without_force()
    {
        Assert.Equal(0, Split("--split", "1").ExitCode);
        byte[] before = File.ReadAllBytes(Path.Combine(Out, "t1s0.party"));

        CliHarness.Result again = Split("--split", "2");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"error: {Path.Combine(Out, "gateway.party")} already exists; pass --force to overwrite the party files in {Out}", again.Error.TrimEnd());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Out, "t1s0.party")));

        CliHarness.Result forced = Split("--split", "2", "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(2, PartyFile.ReadUser(Path.Combine(Out, "user.party"), Context.Value).Header.Split);
        Assert.Equal(4, Directory.GetFiles(Out).Length);
    }

    /// <summary>Issue 18: two tiers of two at l = 0 (mlp: tier 1 blocks 1..2, tier 2 block 3); every file loads back to the split's own share.</summary>
    [Fact]
    public void A_two_tier_split_writes_one_file_per_server_that_loads_back()
    {
        CliHarness.Result r = Split("--split", "0", "--tiers", "2:2,2:1", "--query-budget", "8");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["gateway.party", "t1s0.party", "t1s1.party", "t2s0.party", "t2s1.party", "user.party"], Directory.GetFiles(Out).Select(Path.GetFileName).Order());

        GatewayPartyFile gateway = PartyFile.ReadGateway(Path.Combine(Out, "gateway.party"), Context.Value);
        Assert.Equal([new TierShape(1, 2, 1, 2), new TierShape(2, 2, 3, 3)], gateway.Parameters.Tiers);
        foreach (Party server in new[] { Party.Server(1, 0), Party.Server(1, 1), Party.Server(2, 0), Party.Server(2, 1) })
        {
            RemotePartyFile file = PartyFile.ReadRemote(Path.Combine(Out, $"{server.Slug}.party"), server, Context.Value);
            Assert.Equal((server, gateway.Header.DeploymentId), (file.Server, file.Header.DeploymentId));
            Assert.Equal(gateway.Parameters.Tiers, file.Parameters.Tiers);
        }
        // The shares of a block add up across its tier's files (the weights are the model's: reloading cannot tell, the sum can).
        RemotePartyFile b = PartyFile.ReadRemote(Path.Combine(Out, "t2s0.party"), Party.Server(2, 0), Context.Value);
        RemotePartyFile c = PartyFile.ReadRemote(Path.Combine(Out, "t2s1.party"), Party.Server(2, 1), Context.Value);
        Assert.Throws<KeyNotFoundException>(() => b.Share.Weights(1));
        Assert.Equal(b.Share.Weights(3).Length, c.Share.Weights(3).Length);
        Assert.Null(PartyFile.ReadUser(Path.Combine(Out, "user.party"), Context.Value).Header.Tiers);

        foreach (string text in new[] { "tier 1 garbler", "tier 1 evaluator", "tier 2 garbler", "tier 2 evaluator", "its share of blocks 1..2", "its share of block 3", "t2s1.party" })
            Assert.Contains(text, r.Output);
    }

    [Fact]
    public void Widths_alone_share_the_blocks_evenly_and_name_the_providers()
    {
        CliHarness.Result r = Split("--split", "1", "--tiers", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["gateway.party", "t1s0.party", "t1s1.party", "t1s2.party", "user.party"], Directory.GetFiles(Out).Select(Path.GetFileName).Order());
        Assert.Contains("tier 1 provider 2", r.Output);
        RemotePartyFile provider = PartyFile.ReadRemote(Path.Combine(Out, "t1s2.party"), Party.Server(1, 2), Context.Value);
        Assert.Equal([new TierShape(1, 3, 2, 3)], provider.Parameters.Tiers);
    }

    [Theory]
    [InlineData("0", "1", "error: --tiers: tier 1 has 1 server; a tier has a garbler, an evaluator and at most 14 providers (2..16 servers)")]
    [InlineData("0", "2,17", "error: --tiers: tier 2 has 17 servers; a tier has a garbler, an evaluator and at most 14 providers (2..16 servers)")]
    [InlineData("0", "2,x", "error: --tiers '2,x': 'x' is not a tier; give widths per tier such as 2,3,2 (blocks shared evenly) or width:blocks per tier such as 2:3,2:2")]
    [InlineData("0", "2:1:1", "error: --tiers '2:1:1': '2:1:1' is not a tier; give widths per tier such as 2,3,2 (blocks shared evenly) or width:blocks per tier such as 2:3,2:2")]
    [InlineData("0", "2:2,2", "error: --tiers '2:2,2': give the blocks of every tier (width:blocks) or of none (widths only)")]
    [InlineData("0", "2:0,2:3", "error: --tiers: tier 1 holds 0 blocks; every tier holds at least one")]
    [InlineData("0", "2:1,2:1", "error: --tiers: the tiers hold 2 blocks (1 + 1), but split 0 leaves 3 of the model's 3 blocks to them")]
    [InlineData("2", "2,2", "error: --tiers: 2 remote tiers need at least 2 blocks, but split 2 leaves 1 of the model's 3")]
    [InlineData("3", "2", "error: --tiers: split l = 3 keeps every block of 'mlp' on the gateway, so there is no remote tier; leave --tiers out")]
    [InlineData("0", "2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2", "error: --tiers: 17 tiers; a hierarchy has at most 16")]
    public void A_bad_hierarchy_is_a_one_line_error_and_writes_nothing(string split, string tiers, string error)
    {
        CliHarness.Result r = Split("--split", split, "--tiers", tiers);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(error, r.Error.TrimEnd());
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void At_l_equal_to_L_only_the_gateway_and_the_user_get_a_file()
    {
        CliHarness.Result r = Split("--split", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["gateway.party", "user.party"], Directory.GetFiles(Out).Select(Path.GetFileName).Order());
        Assert.Contains("no remote tier", r.Output);
    }
}
