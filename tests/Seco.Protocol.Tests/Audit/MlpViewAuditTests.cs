using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// The whole view of every party (user, A, B, C) in real runs of the MLP (784→128→128→10) at l = 0 and l = 1,
/// three queries of the same image each, attacked as <see cref="ViewAuditor"/> describes; garbled tables are scanned
/// byte by byte too. Then the audit's power: the pre-fix masks, planted into the same runs, are found.
/// </summary>
public class MlpViewAuditTests(MlpViewAuditTests.Runs runs, ITestOutputHelper output) : IClassFixture<MlpViewAuditTests.Runs>
{
    public sealed class Runs() : ViewAuditFixture("mlp.onnx", 0, 1);

    [Theory]
    [InlineData(0, "User")]
    [InlineData(0, "Gateway")]
    [InlineData(0, "Garbler")]
    [InlineData(0, "Evaluator")]
    [InlineData(1, "User")]
    [InlineData(1, "Gateway")]
    [InlineData(1, "Garbler")]
    [InlineData(1, "Evaluator")]
    public void Party_learns_nothing_beyond_its_output(int split, string partyName) =>
        PartyAudit.AssertNothingLearned(runs.At(split), TestParties.Of(partyName), tables: true, output);

    [Fact]
    public void Audit_finds_the_pre_fix_leak_of_the_transition_block_to_A()
    {
        // l = 0: block 1 (128×784) is the transition; with the old masks A read partial sums of F·r_1 in the slots
        // outside the 128 outputs and, knowing F and x_1 − r_1, solved for linear functions of the user's pixels.
        AuditedRun run = runs.At(0);
        var auditor = new ViewAuditor(run);
        List<Decryption> planted = auditor.DecryptionsBy(Party.Gateway).Where(d => d.Block == 1).Select(d => PartyAudit.WithOldMasks(run, d)).ToList();
        List<string> findings = auditor.AuditDecryptions(planted, scan: false);
        foreach (string f in findings.Take(6)) output.WriteLine(f);
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, "hold the Lin-OP product unmasked").Count());
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, ": A solves").Count());
    }

    [Fact]
    public void Audit_finds_a_product_sent_without_fresh_randomness()
    {
        // The pre-review products: F^j·ct(r) minus the plaintext mask, nothing added. A recomputes F^j·ct(r) and the
        // difference opens under any key; the real products (a fresh Enc_cpk(0) added) open under none of A's.
        AuditedRun run = runs.At(1);
        var auditor = new ViewAuditor(run);
        var encoder = new Lattice.Bfv.BatchEncoder(run.P.Context);
        foreach (Party server in new[] { Party.Garbler, Party.Evaluator })
        {
            int block = run.Split + 1;
            Lattice.Bfv.Ciphertext bare = new Lattice.Bfv.Evaluator(run.P.Context).SubPlain(auditor.Recompute(server, 0, block)[0], encoder.Encode(run.ServerMasks[(0, block, server)]));
            Assert.Equal("gateway's key", auditor.RecomputationOpens(Party.Gateway, server, 0, block, 0, bare));
            Party peer = server == Party.Garbler ? Party.Evaluator : Party.Garbler;
            Assert.NotNull(auditor.RecomputationOpens(peer, server, 0, block, 0, bare)); // c₁ = 0: the peer's own key opens it too
        }
        Assert.Empty(auditor.AuditRecomputation(Party.Gateway));
        Assert.Empty(auditor.AuditRecomputation(Party.Garbler));
    }

    [Fact]
    public void Audit_finds_a_mask_missing_from_a_clear_vector_and_a_zero_padded_output()
    {
        AuditedRun run = runs.At(1);
        var auditor = new ViewAuditor(run);
        // B's copy of x_2 − r_2 with the mask stripped from a quarter of the entries.
        ClearVector v = auditor.ClearVectorsOf(Party.Garbler).First(c => c.What.StartsWith("x_2", StringComparison.Ordinal));
        ulong[] stripped = (ulong[])v.Values.Clone();
        ulong[] residual = (ulong[])v.Residuals[0].Residual.Clone();
        for (int j = 0; j < stripped.Length; j += 4)
        {
            stripped[j] = v.Hidden[j];
            residual[j] = 0;
        }
        List<string> findings = auditor.AuditClearVectors([v with { Values = stripped, Residuals = [("B", residual)] }]);
        Assert.Contains(findings, f => f.Contains("unmasked entries", StringComparison.Ordinal));

        // The pre-fix output ciphertext (zeros outside the logits) fails (a): the user's non-output slots must be uniform.
        Decryption output0 = auditor.DecryptionsBy(Party.User).Single(d => d.Final && d.Query == 0);
        Assert.Contains(auditor.AuditDecryptions([PartyAudit.WithZeroPadding(output0)], scan: false), f => f.Contains("non-output slots", StringComparison.Ordinal));
    }
}
