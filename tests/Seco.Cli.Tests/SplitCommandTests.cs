using Seco.Lattice.Parameters;
using Seco.Nn.Tests;
using Seco.Protocol.Model.Deployment;
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
        Assert.Equal(["evaluator.party", "garbler.party", "gateway.party", "user.party"], Directory.GetFiles(Out).Select(Path.GetFileName).Order());

        string id = PartyFile.ReadGateway(Path.Combine(Out, "gateway.party"), Context.Value).Header.DeploymentId;
        Assert.Equal(id, PartyFile.ReadRemote(Path.Combine(Out, "garbler.party"), PartyKind.Garbler, Context.Value).Header.DeploymentId);
        Assert.Equal(id, PartyFile.ReadRemote(Path.Combine(Out, "evaluator.party"), PartyKind.Evaluator, Context.Value).Header.DeploymentId);
        UserPartyFile user = PartyFile.ReadUser(Path.Combine(Out, "user.party"), Context.Value);
        Assert.Equal((id, 1, 32), (user.Header.DeploymentId, user.Header.Split, user.Header.QueryBudget));

        Assert.Contains($"deployment id: {id}", r.Output);
        foreach (string name in new[] { "gateway.party", "garbler.party", "evaluator.party", "user.party", "gateway A", "garbler B", "evaluator C" })
            Assert.Contains(name, r.Output);
        foreach (string file in Directory.GetFiles(Out))
            Assert.Contains(new FileInfo(file).Length.ToString("N0"), r.Output);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Out, "garbler.party")));
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
        byte[] before = File.ReadAllBytes(Path.Combine(Out, "garbler.party"));

        CliHarness.Result again = Split("--split", "2");
        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"error: {Path.Combine(Out, "gateway.party")} already exists; pass --force to overwrite the party files in {Out}", again.Error.TrimEnd());
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(Out, "garbler.party")));

        CliHarness.Result forced = Split("--split", "2", "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(2, PartyFile.ReadUser(Path.Combine(Out, "user.party"), Context.Value).Header.Split);
        Assert.Equal(4, Directory.GetFiles(Out).Length);
    }
}
