using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// The whole view of every party in real runs of LeNet (1×28×28 → 20×12×12 → 50×4×4 → 500 → 10) with the planner's
/// forms (<see cref="FormPolicy.Planner"/>): block 1 — 5×5 conv and 2×2 pool composed into a 6×6 stride-2
/// convolution — is the channel-packed convolution, its 2,880 outputs over three ciphertexts of 8 channel planes each;
/// the other blocks are mat-vecs. Three queries of the same image per run, audited as <see cref="ViewAuditor"/>
/// describes with every slot of every ciphertext of a block's run (garbled tables are scanned in the MLP audit):
/// <list type="bullet">
/// <item>l = 1: the user decrypts F₁r₁ − s₁ as three ciphertexts (3·n slots); the transition carries the user's
/// halves and channel planes of r₂, and tier 1 takes the halves (block 2 is a matrix).</item>
/// <item>l = 0: the transition enters the convolution — A hands tier 1 the user's channel planes of r₁ as they are —
/// and A decrypts E¹ of block 1, three ciphertexts, through the collective decryption.</item>
/// </list>
/// Each party alone and in the maximal allowed coalitions (A+B, A+C), and the user's transcript against the all-matrix
/// deployment's (F_BC's form stays hidden). Then the audit's power on these runs: a forbidden coalition recovers every
/// pre-activation of the convolution; a pad missing from one ciphertext of a run, outputs read in the clear, a
/// convolution product without fresh randomness and a transition mask whose packings disagree are all found. One test
/// class per split, so that one LeNet run (gigabytes of keys and transcript) is alive at a time.
/// </summary>
public abstract class ConvFormViewAudit<TRuns>(TRuns runs, ITestOutputHelper output) where TRuns : ViewAuditFixture
{
    /// <summary>The audited run: LeNet with the planner's forms at this class's split.</summary>
    internal AuditedRun Run => runs.At(Split);

    protected abstract int Split { get; }

    protected ITestOutputHelper Output => output;

    [Fact]
    public void The_run_takes_block_1_as_a_three_ciphertext_convolution()
    {
        AuditedRun run = Run;
        var conv = Assert.IsType<ConvolutionForm>(run.P.Form(1));
        Assert.Equal((3, 2880, run.N), (conv.OutputCiphertexts, conv.Rows, conv.SlotCount));
        Assert.All(Enumerable.Range(2, run.L - 1), i => Assert.IsType<MatrixForm>(run.P.Form(i)));
        // The user sends both packings of the transition (2 halves, 1 ciphertext of channel planes), whichever F_BC uses.
        Assert.All(run.Received<UserPreprocessing>(Party.Gateway), m => Assert.Equal(3, m.TransitionMask.Length));
        // The decryptor of block 1 opens all three ciphertexts, its outputs spread over them.
        var auditor = new ViewAuditor(run);
        Decryption d = auditor.DecryptionsBy(Split == 0 ? Party.Gateway : Party.User).First(d => d.Block == 1);
        Assert.Equal(3 * run.N, d.Slots.Length);
        Assert.Equal(new[] { 0, 1, 2 }, d.OutputAt.Select(j => j / run.N).Distinct());
        Assert.Equal(run.OutputPositions(1), d.OutputAt);
    }

    [Theory]
    [InlineData("User")]
    [InlineData("Gateway")]
    [InlineData("Garbler")]
    [InlineData("Evaluator")]
    public void Party_learns_nothing_beyond_its_output(string partyName) =>
        PartyAudit.AssertNothingLearned(Run, TestParties.Of(partyName), tables: false, output);

    [Theory]
    [InlineData("A+B")]
    [InlineData("A+C")]
    public void Allowed_coalition_learns_nothing(string coalition) =>
        PartyAudit.AssertCoalitionLearnsNothing(Run, Coalition.Parse(coalition), output);

    [Fact]
    public void The_coalitions_named_are_every_maximal_allowed_one() =>
        Assert.Equal(new[] { "A+B", "A+C" }.Select(c => Coalition.Parse(c).Name), Coalition.Maximal(Run.P).Select(c => c.Name).Order());
}

/// <summary>l = 0: the transition enters the convolution from the user's channel planes; A decrypts E¹ of block 1 collectively.</summary>
public class ConvFormSplitZeroViewAuditTests(ConvFormSplitZeroViewAuditTests.Runs runs, ITestOutputHelper output)
    : ConvFormViewAudit<ConvFormSplitZeroViewAuditTests.Runs>(runs, output), IClassFixture<ConvFormSplitZeroViewAuditTests.Runs>
{
    public sealed class Runs() : ViewAuditFixture("lenet.onnx", FormPolicy.Planner, 0);

    protected override int Split => 0;

    [Fact]
    public void The_user_cannot_tell_which_form_F_BC_computes_the_transition_block_in()
    {
        // l = 0: block 1 is F_BC's, so its form (convolution or matrix) is part of F_BC's architecture (paper §V-A). The
        // user's transcript — peers, kinds, queries and sizes of every message of the setup and of a query — is the one
        // it has when every block is a matrix, for the same image (one query of the all-matrix deployment: a LeNet run
        // holds gigabytes, and every query's messages are alike).
        AuditedRun run = Run;
        Model.ModelSplit matrices = Model.ModelSplit.Create(run.Model, 0, EndToEndTests.Context.Value);
        Assert.IsType<MatrixForm>(matrices.Parameters.Form(1));
        ProtocolLoopback matrix = EndToEndTests.Loopback(matrices, run.Inputs[..1]);
        matrix.Run();
        Assert.Single(matrix.Events.OfType<PredictionReady>());
        static bool SetupOrFirstQuery(string line) => line.Split(' ')[2] is "q" or "q0";
        List<string> view = [.. HierarchyViewAuditFixture.UserView(run.Loop).Where(SetupOrFirstQuery)];
        Assert.Contains(view, l => l.Contains("UserPreprocessing q0", StringComparison.Ordinal));
        Assert.Equal(HierarchyViewAuditFixture.UserView(matrix), view);
    }


    [Fact]
    public void Audit_finds_that_A_with_both_servers_recovers_every_pre_activation_of_the_convolution()
    {
        // Forbidden: A with B and C removes every output mask and pad from E¹ of block 1 (l = 0) and, knowing F and
        // x − r, solves every slot of all three ciphertexts: all 2,880 pre-activations, read at the convolution's output
        // slots. The allowed coalitions, on the same plaintexts, solve nothing.
        AuditedRun run = Run;
        var auditor = new ViewAuditor(run);
        List<Decryption> block1 = [.. auditor.DecryptionsBy(Party.Gateway).Where(d => d.Block == 1)];
        var forbidden = Coalition.Parse("A+B+C");
        Assert.False(forbidden.Allowed);
        List<string> findings = auditor.AuditDecryptions(block1, scan: false, attackers: [forbidden]);
        foreach (string f in findings.Take(4)) Output.WriteLine(f);
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, $": A+T1.0+T1.1 solves {3 * run.N} slots of F·x_1 exactly, recovering 2880 of the 2880 pre-activations").Count());
        Assert.Empty(auditor.AuditDecryptions(block1, scan: false, attackers: [Coalition.Parse("A+B"), Coalition.Parse("A+C")]));
    }


    [Fact]
    public void Audit_finds_a_convolution_product_sent_without_fresh_randomness()
    {
        // l = 0: each server's three ciphertexts of F^j·ct(r₁) − S^j. Without the fresh Enc_cpk(0), A's recomputation
        // (the dealt kernel share in the convolution's form times A's aggregate) minus the product would open under any
        // key — every ciphertext of the run; the real products open under none of A's (or the peer's) keys.
        AuditedRun run = Run;
        var auditor = new ViewAuditor(run);
        var encoder = new Lattice.Bfv.BatchEncoder(run.P.Context);
        var evaluator = new Lattice.Bfv.Evaluator(run.P.Context);
        foreach (Party server in new[] { Party.Garbler, Party.Evaluator })
        {
            Lattice.Bfv.Ciphertext[] recomputed = auditor.Recompute(server, 0, 1);
            ulong[][] pads = FormSlots.Chunks(run.ServerMasks[(0, 1, server)], run.N);
            Assert.Equal(3, recomputed.Length);
            Party peer = server == Party.Garbler ? Party.Evaluator : Party.Garbler;
            for (int k = 0; k < 3; k++)
            {
                Lattice.Bfv.Ciphertext bare = evaluator.SubPlain(recomputed[k], encoder.Encode(pads[k]));
                Assert.Equal("gateway's key", auditor.RecomputationOpens(Party.Gateway, server, 0, 1, k, bare));
                Assert.NotNull(auditor.RecomputationOpens(peer, server, 0, 1, k, bare));
            }
        }
        Assert.Empty(auditor.AuditRecomputation(Party.Gateway));
        Assert.Empty(auditor.AuditRecomputation(Coalition.Parse("A+B")));
    }


    [Fact]
    public void Audit_finds_a_transition_mask_whose_packings_disagree()
    {
        // l = 0: the user's halves and channel planes of r₁ must be one r₁ — A feeds the planes to the convolution and
        // the user removes r₁ from x₁. Planes of another vector are found; the user's real packings agree.
        AuditedRun run = Run;
        UserPreprocessing m = run.Received<UserPreprocessing>(Party.Gateway).First();
        ulong[][] opened = [.. m.TransitionMask.Select(b => run.OpenCollective(run.Load(b)))];
        Assert.Empty(AuditedRun.TransitionFindings(run.P, m.Query, opened, out ulong[] r));
        Assert.Equal(run.Masks[(m.Query, 1)], r);

        ulong[] other = ZpRandom.Uniform(r.Length);
        ulong[][] planted = [opened[0], opened[1], TransitionPacking.Pack(other, run.P.Block(1).Input, run.N, subsampled: false)[2]];
        List<string> findings = AuditedRun.TransitionFindings(run.P, m.Query, planted, out _);
        foreach (string f in findings) Output.WriteLine(f);
        Assert.Contains($"q{m.Query} the user's transition mask: the channel planes hold another vector than the row-0 half (784 of 784 entries differ)", findings);
        Assert.Contains(findings, f => f.Contains("ciphertext 3 of 3 is not r_1 in its packing", StringComparison.Ordinal));
        Assert.Single(AuditedRun.TransitionFindings(run.P, m.Query, opened[..2], out _)); // a packing missing
    }
}

/// <summary>l = 1: the user decrypts F₁r₁ − s₁, the convolution's three ciphertexts; tier 1 takes the transition from the halves.</summary>
public class ConvFormSplitOneViewAuditTests(ConvFormSplitOneViewAuditTests.Runs runs, ITestOutputHelper output)
    : ConvFormViewAudit<ConvFormSplitOneViewAuditTests.Runs>(runs, output), IClassFixture<ConvFormSplitOneViewAuditTests.Runs>
{
    public sealed class Runs() : ViewAuditFixture("lenet.onnx", FormPolicy.Planner, 1);

    protected override int Split => 1;

    [Fact]
    public void Audit_finds_a_pad_missing_from_one_ciphertext_of_the_run()
    {
        // The pre-fix masks on the last of the user's three ciphertexts of F₁r₁ − s₁ (l = 1): its 576 outputs masked,
        // its other 7,616 slots the product's zeros. The audit reads every ciphertext of the run, not only the first.
        AuditedRun run = Run;
        var auditor = new ViewAuditor(run);
        List<Decryption> planted = [.. auditor.DecryptionsBy(Party.User).Where(d => d.Block == 1).Select(d =>
        {
            ulong[] slots = (ulong[])d.Slots.Clone();
            PartyAudit.WithOldMasks(run, d).Slots.AsSpan(2 * run.N).CopyTo(slots.AsSpan(2 * run.N));
            return d with { Slots = slots };
        })];
        int last = planted[0].OutputAt.Count(j => j >= 2 * run.N), open = run.N - last;
        Assert.Equal(576, last);
        List<string> findings = auditor.AuditDecryptions(planted, scan: false);
        foreach (string f in findings.Take(4)) Output.WriteLine(f);
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, $": {open} non-output slots are zero").Count());
        Assert.Equal(ViewAuditFixture.Queries, PartyAudit.Matching(findings, $": {open} of {3 * run.N} slots hold the Lin-OP product unmasked").Count());
        Assert.Empty(auditor.AuditDecryptions(auditor.DecryptionsBy(Party.User).Where(d => d.Block == 1).ToList(), scan: false));
    }


    [Fact]
    public void Audit_finds_convolution_outputs_in_the_clear_by_reading_them_in_output_order()
    {
        // The user's F₁r₁ with no mask at all. Its outputs sit at stride-2 positions of the channel planes with zeros
        // between them, so the scan of consecutive slots cannot see them — it matches only where F₁r₁ itself has zeros
        // (LeNet's channel 11 has an all-zero kernel: its 144 outputs are 0). Read in output order, every run is found.
        AuditedRun run = Run;
        var auditor = new ViewAuditor(run);
        Decryption d = auditor.DecryptionsBy(Party.User).First(d => d.Block == 1 && !d.Final);
        ulong[] fr = FormSlots.At(d.Unmasked!, d.OutputAt);
        List<string> findings = auditor.AuditDecryptions([d with { Slots = d.Unmasked! }], scan: true);
        int runs4 = Enumerable.Range(0, fr.Length - 3).Count(i => fr.AsSpan(i, 4).ContainsAnyExcept(0UL));
        Assert.Equal(runs4, PartyAudit.Matching(findings, "outputs in order: slots").Count(f => f.Contains("equal F_1·r_1", StringComparison.Ordinal)));
        foreach (string f in PartyAudit.Matching(findings, "(block 1): slots").Where(f => f.Contains("equal F_1·r_1", StringComparison.Ordinal)))
        {
            var at = System.Text.RegularExpressions.Regex.Match(f, @"F_1·r_1\[(\d+)\.\.");
            Assert.Contains(0UL, fr.AsSpan(int.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 4).ToArray());
        }
    }
}
