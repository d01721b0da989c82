using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// The whole view of every party in real runs of MiniONN (4 blocks: 784→2304→256→100→10) at l = 0, 1, 2 and 4 = L,
/// three queries of the same image each (garbled tables are scanned in the MLP audit; here they are skipped for
/// time). Then the two attacks issue 15 reported, run by the audit on the pre-fix masks planted into these runs:
/// A alone recovers all 256 pre-activations of block 2 at l = 1, and the user reads 7,680 unmasked slots of F₂·r₂
/// at l = 2.
/// </summary>
public class MiniOnnViewAuditTests(MiniOnnViewAuditTests.Runs runs, ITestOutputHelper output) : IClassFixture<MiniOnnViewAuditTests.Runs>
{
    public sealed class Runs() : ViewAuditFixture("minionn.onnx", 0, 1, 2, 4);

    [Theory]
    [InlineData(0, "User")]
    [InlineData(0, "Gateway")]
    [InlineData(0, "Garbler")]
    [InlineData(0, "Evaluator")]
    [InlineData(1, "User")]
    [InlineData(1, "Gateway")]
    [InlineData(1, "Garbler")]
    [InlineData(1, "Evaluator")]
    [InlineData(2, "User")]
    [InlineData(2, "Gateway")]
    [InlineData(2, "Garbler")]
    [InlineData(2, "Evaluator")]
    [InlineData(4, "User")]
    [InlineData(4, "Gateway")]
    [InlineData(4, "Garbler")]
    [InlineData(4, "Evaluator")]
    public void Party_learns_nothing_beyond_its_output(int split, string partyName) =>
        PartyAudit.AssertNothingLearned(runs.At(split), TestParties.Of(partyName), tables: false, output);

    [Fact]
    public void Audit_finds_that_A_recovered_every_pre_activation_of_block_2_with_the_pre_fix_masks()
    {
        AuditedRun run = runs.At(1);
        var auditor = new ViewAuditor(run);
        List<Decryption> planted = auditor.DecryptionsBy(Party.Gateway).Where(d => d.Block == 2).Select(d => PartyAudit.WithOldMasks(run, d)).ToList();
        List<string> findings = auditor.AuditDecryptions(planted, scan: false);
        foreach (string f in findings.Take(6)) output.WriteLine(f);
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, ": A solves 7680 slots of F·x_2 exactly, recovering 256 of the 256 pre-activations").Count());
        // The fixed run itself: the same attack recovers nothing.
        Assert.Empty(auditor.AuditDecryptions(auditor.DecryptionsBy(Party.Gateway).Where(d => d.Block == 2).ToList(), scan: false));
    }

    [Fact]
    public void Audit_finds_that_the_user_read_F2_r2_with_the_pre_fix_masks()
    {
        AuditedRun run = runs.At(2);
        var auditor = new ViewAuditor(run);
        List<Decryption> planted = auditor.DecryptionsBy(Party.User).Where(d => d.Block == 2 && !d.Final).Select(d => PartyAudit.WithOldMasks(run, d)).ToList();
        List<string> findings = auditor.AuditDecryptions(planted, scan: false);
        foreach (string f in findings.Take(6)) output.WriteLine(f);
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, "7680 of 8192 slots hold the Lin-OP product unmasked").Count());
        // The leaked slots are F₂·r₂ itself, repeated with period 256: the scan finds the run too.
        Assert.NotEmpty(PartyAudit.Matching(auditor.AuditDecryptions(planted, scan: true), "equal F_2·r_2"));
    }
}
