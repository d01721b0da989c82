using System.Reflection;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// The view audits of the four-party runs (<see cref="MlpViewAuditTests"/>) extended to every party of a wider or
/// deeper hierarchy (docs/hierarchy.md, Security), and to the coalitions the threat model allows: any set of parties
/// without the user that holds, for no tier, both its garbler (T{t}.0) and its evaluator (T{t}.1). Each class audits
/// one real run of the MLP (784→128→128→10), three queries of the same image, with garbled tables and the
/// weights scanned byte by byte: every party's whole view (as <see cref="ViewAuditor"/> describes, alone and in each
/// maximal allowed coalition it may join), every maximal allowed coalition's pooled view (every allowed coalition is a
/// subset of one), and a few smaller ones by name. The negative controls show the audit has teeth: a coalition the
/// threat model forbids is caught learning activations, opening ciphertexts and summing weights, and a weakened
/// protocol (a boundary mask without the evaluator's share, a dealer whose shares are not uniform, a weight share
/// forwarded inside a label blob) is caught too. The user's whole transcript is the four-party one.
/// </summary>
public abstract class HierarchyViewAuditFixture
{
    private readonly Lazy<AuditedRun> _run;
    private readonly int _split;

    protected HierarchyViewAuditFixture(int split, params TierSpec[] tiers)
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[] image = EndToEndTests.Inputs(model, 1)[0];
        _split = split;
        _run = new Lazy<AuditedRun>(() => new AuditedRun(model, split, [.. Enumerable.Repeat(image, ViewAuditFixture.Queries)], tiers));
    }

    internal AuditedRun Run => _run.Value;

    /// <summary>
    /// Per split, the user's side of the transcript — every message it sends or receives, by peer, kind, query and size
    /// — of a run of the same model and image with one tier of two servers (the paper's setting), made once.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<List<string>>> FourPartyUserViews = new();

    private static List<string> FourPartyUserView(int split) => FourPartyUserViews.GetOrAdd(split, _ => new(() =>
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[] image = EndToEndTests.Inputs(model, 1)[0];
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, split, EndToEndTests.Context.Value), [.. Enumerable.Repeat(image, ViewAuditFixture.Queries)]);
        loop.Run();
        return UserView(loop);
    })).Value;

    /// <summary>The user's side of a run's transcript: every message it sends or receives, by peer, kind, query and size.</summary>
    internal static List<string> UserView(ProtocolLoopback loop) =>
        [.. loop.Delivered.Where(d => d.From.IsUser || d.To.IsUser)
            .Select(d => $"{d.From}→{d.To} {d.Message.GetType().Name} q{(d.Message as QueryMessage)?.Query} {d.Bytes} B").Order()];

    /// <summary>
    /// The user learns neither the depth nor the widths behind A (docs/hierarchy.md, decisions): its whole transcript —
    /// peers, kinds, queries and sizes of every message — is the one it has with one tier of two servers.
    /// </summary>
    internal void AssertUserViewIsTheFourPartyOne()
    {
        List<string> view = UserView(Run.Loop);
        Assert.NotEmpty(view);
        Assert.Equal(FourPartyUserView(_split), view);
    }

    /// <summary>The coalitions a theory names in its InlineData, to check it covers every maximal allowed coalition.</summary>
    internal static IEnumerable<string> Named(Type tests, string theory) =>
        tests.GetMethod(theory)!.GetCustomAttributes<InlineDataAttribute>().Select(a => (string)a.GetData(null!).Single()[0]);

    /// <summary>Every maximal allowed coalition of the run is among <paramref name="named"/>, and every named one is allowed.</summary>
    internal void AssertCovers(IEnumerable<string> named)
    {
        Coalition[] coalitions = [.. named.Select(Coalition.Parse)];
        Assert.All(coalitions, c => Assert.True(c.Allowed, $"{c} is not allowed"));
        Assert.Subset(coalitions.Select(c => c.Name).ToHashSet(), Coalition.Maximal(Run.P).Select(c => c.Name).ToHashSet());
    }

    /// <summary>Every party of the run by name: the user, A and every server of every tier.</summary>
    internal IEnumerable<string> Parties => ["U", "A", .. Coalition.AllServers(Run.P).Select(Coalition.NameOf)];
}

/// <summary>Two tiers of two servers: tier 1 holds blocks 1–2 (the transition and a ReLU block), tier 2 block 3.</summary>
/// <summary>
/// What every hierarchy's audit class also checks: its theories name every party and every maximal allowed coalition
/// of its run (so no party goes unaudited), and the user's transcript is the four-party one whatever the hierarchy.
/// </summary>
public abstract class HierarchyViewAudit<TRuns>(TRuns fixture, ITestOutputHelper output) where TRuns : HierarchyViewAuditFixture
{
    protected TRuns Fixture { get; } = fixture;

    protected ITestOutputHelper Output { get; } = output;

    [Fact]
    public void The_theories_cover_every_party_and_every_maximal_allowed_coalition()
    {
        Assert.Equal(Fixture.Parties, HierarchyViewAuditFixture.Named(GetType(), "Party_learns_nothing_beyond_its_output"));
        Fixture.AssertCovers(HierarchyViewAuditFixture.Named(GetType(), "Allowed_coalition_learns_nothing"));
    }

    [Fact]
    public void The_user_sees_what_it_sees_with_one_tier_of_two() => Fixture.AssertUserViewIsTheFourPartyOne();
}

public class TwoTierViewAuditTests(TwoTierViewAuditTests.Runs runs, ITestOutputHelper output) : HierarchyViewAudit<TwoTierViewAuditTests.Runs>(runs, output), IClassFixture<TwoTierViewAuditTests.Runs>
{
    public sealed class Runs() : HierarchyViewAuditFixture(0, new TierSpec(2, 2), new TierSpec(2, 1));

    [Theory]
    [InlineData("U")]
    [InlineData("A")]
    [InlineData("T1.0")]
    [InlineData("T1.1")]
    [InlineData("T2.0")]
    [InlineData("T2.1")]
    public void Party_learns_nothing_beyond_its_output(string party) =>
        PartyAudit.AssertNothingLearned(Fixture.Run, Coalition.Parse(party).Members.Single(), tables: true, Output, weights: true);

    [Theory]
    [InlineData("A+T1.0+T2.0")]
    [InlineData("A+T1.0+T2.1")] // tier 1's garbler with tier 2's evaluator: the boundary still carries A's and V₁'s shares
    [InlineData("A+T1.1+T2.0")]
    [InlineData("A+T1.1+T2.1")]
    [InlineData("T1.0+T2.1")] // servers across tiers, without A
    [InlineData("T1.1+T2.0")]
    public void Allowed_coalition_learns_nothing(string coalition) =>
        PartyAudit.AssertCoalitionLearnsNothing(Fixture.Run, Coalition.Parse(coalition), Output);


    [Fact]
    public void Audit_finds_what_A_with_tier_1s_garbler_and_evaluator_learns()
    {
        // Forbidden: A with both halves of tier 1. The same audit that passes every allowed coalition must find that
        // they open tier 1's ciphertexts, unmask x_2 and x_3, solve E¹ of blocks 1 and 2 and hold F_1, F_2.
        AuditedRun run = Fixture.Run;
        var coalition = Coalition.Parse("A+T1.0+T1.1");
        Assert.False(coalition.Allowed);
        List<string> findings = PartyAudit.CoalitionFindings(run, coalition);
        foreach (string f in findings.Take(8)) Output.WriteLine(f);
        int q = ViewAuditFixture.Queries;

        List<string> opened = [.. PartyAudit.Matching(findings, "A's share of tier 1+T1.0+T1.1 decrypt it")];
        Assert.NotEmpty(opened);
        Assert.DoesNotContain(opened, f => f.Contains("Enc_cpk2", StringComparison.Ordinal)); // tier 1's shares of r_3 are under tier 2's key
        Assert.Contains(opened, f => f.Contains("Enc_cpk1(r)", StringComparison.Ordinal));
        Assert.Contains(opened, f => f.Contains("Enc_cpk1(F^j r − S^j)", StringComparison.Ordinal));

        Assert.Equal(q, PartyAudit.Matching(findings, "x_2 − r_2").Count(f => f.Contains("A+T1.0+T1.1 is left with 128 unmasked entries", StringComparison.Ordinal)));
        Assert.Equal(q, PartyAudit.Matching(findings, "x_3 − r_3").Count(f => f.Contains("A+T1.0+T1.1 is left with 128 unmasked entries", StringComparison.Ordinal)));
        Assert.Empty(PartyAudit.Matching(findings, "x_1 − r_1")); // the user's mask: no coalition without the user removes it

        Assert.Equal(q, PartyAudit.Matching(findings, "(block 1): A+T1.0+T1.1 solves").Count(f => f.EndsWith("recovering 128 of the 128 pre-activations", StringComparison.Ordinal)));
        Assert.Equal(q, PartyAudit.Matching(findings, "(block 2): A+T1.0+T1.1 solves").Count(f => f.EndsWith("recovering 128 of the 128 pre-activations", StringComparison.Ordinal)));
        Assert.Empty(PartyAudit.Matching(findings, "(block 3)"));

        Assert.Single(PartyAudit.Matching(findings, "T1.0+T1.1's shares of block 1 sum to its weights in 100352 of 100352 entries"));
        Assert.Single(PartyAudit.Matching(findings, "T1.0+T1.1's shares of block 2 sum to its weights"));
        Assert.Empty(PartyAudit.Matching(findings, "block 3 sum"));
    }

    [Fact]
    public void Audit_finds_a_boundary_activation_masked_without_the_evaluators_share()
    {
        // Weakened protocol: tier 1's evaluator hands tier 2 x_3 − (r¹_3 + r^G_3), its own and no other share dropped.
        // Tier 1's garbler with tier 2 and A — an allowed coalition — then reads x_3.
        AuditedRun run = Fixture.Run;
        var auditor = new ViewAuditor(run);
        var coalition = Coalition.Parse("A+T1.0+T2.1");
        Assert.True(coalition.Allowed);
        var weakened = run.Loop.Delivered.Select(d => (d.From, d.To, d.Message is MaskedActivation { Block: 3 } m
            ? new MaskedActivation(m.Query, 3, ZpVector.Subtract(run.Truth[m.Query].X[3], ZpVector.Add(run.MaskShares[(m.Query, 3, Party.Gateway)], run.MaskShares[(m.Query, 3, Party.Server(1, 0))])))
            : d.Message));
        List<string> findings = auditor.AuditClearVectors(auditor.ClearVectorsOf(coalition, weakened));
        foreach (string f in findings.Take(4)) Output.WriteLine(f);
        Assert.Equal(ViewAuditFixture.Queries, findings.Count(f => f.Contains("x_3 − r_3", StringComparison.Ordinal) && f.Contains("A+T1.0+T2.1 is left with 128 unmasked entries", StringComparison.Ordinal)));
        // The real hand-off: nothing.
        Assert.Empty(auditor.AuditClearVectors(auditor.ClearVectorsOf(coalition)));
    }
}

/// <summary>One tier of four servers (garbler, evaluator, two providers) holding all three blocks.</summary>
public class WideTierViewAuditTests(WideTierViewAuditTests.Runs runs, ITestOutputHelper output) : HierarchyViewAudit<WideTierViewAuditTests.Runs>(runs, output), IClassFixture<WideTierViewAuditTests.Runs>
{
    public sealed class Runs() : HierarchyViewAuditFixture(0, new TierSpec(4, 3));

    [Theory]
    [InlineData("U")]
    [InlineData("A")]
    [InlineData("T1.0")]
    [InlineData("T1.1")]
    [InlineData("T1.2")]
    [InlineData("T1.3")]
    public void Party_learns_nothing_beyond_its_output(string party) =>
        PartyAudit.AssertNothingLearned(Fixture.Run, Coalition.Parse(party).Members.Single(), tables: true, Output, weights: true);

    [Theory]
    [InlineData("A+T1.0+T1.2+T1.3")] // A, the garbler and every provider
    [InlineData("A+T1.1+T1.2+T1.3")] // A, the evaluator and every provider
    [InlineData("T1.0+T1.2+T1.3")] // every provider with the garbler, without A
    [InlineData("T1.1+T1.2+T1.3")]
    [InlineData("T1.2+T1.3")] // the providers
    [InlineData("A+T1.3")]
    public void Allowed_coalition_learns_nothing(string coalition) =>
        PartyAudit.AssertCoalitionLearnsNothing(Fixture.Run, Coalition.Parse(coalition), Output);


    [Fact]
    public void Audit_finds_a_dealer_whose_garbler_share_is_not_uniform()
    {
        // Weakened dealer: the garbler's shares are zero, so the other three servers' shares sum to the weights — an
        // allowed coalition (it misses the garbler) would hold F. The real shares: that coalition holds nothing.
        AuditedRun run = Fixture.Run;
        var auditor = new ViewAuditor(run);
        var coalition = Coalition.Parse("T1.1+T1.2+T1.3");
        Assert.True(coalition.Allowed);
        Party garbler = Party.Server(1, 0), last = Party.Server(1, 3);
        var blocks = run.P.Tier(1).Blocks.ToArray();
        RemoteShare zero = new(blocks.ToDictionary(i => i, i => new ulong[run.Weights[i].Length]), blocks.ToDictionary(i => i, i => new ulong[run.Biases[i].Length]));
        RemoteShare Add(RemoteShare a, RemoteShare b) =>
            new(blocks.ToDictionary(i => i, i => ZpVector.Add(a.Weights(i), b.Weights(i))), blocks.ToDictionary(i => i, i => ZpVector.Add(a.Bias(i), b.Bias(i))));
        RemoteShare Weakened(Party s) => s == garbler ? zero : s == last ? Add(run.ShareOf(last), run.ShareOf(garbler)) : run.ShareOf(s);

        List<string> findings = auditor.AuditWeights(coalition, Weakened);
        foreach (string f in findings.Take(4)) Output.WriteLine(f);
        foreach (int i in blocks)
            Assert.Single(PartyAudit.Matching(findings, $"T1.1+T1.2+T1.3's shares of block {i} sum to its weights in {run.Support[i].Count(s => s)} of {run.Support[i].Count(s => s)} entries and to its bias in {run.Biases[i].Length} of {run.Biases[i].Length}"));
        Assert.NotEmpty(PartyAudit.Matching(auditor.AuditWeights(Coalition.Parse("T1.0"), Weakened), "T1.0's part of F_1 on its support: not uniform"));
        Assert.Empty(auditor.AuditWeights(coalition));
    }

    [Fact]
    public void Audit_finds_another_servers_weight_share_in_a_payload()
    {
        // Weakened protocol: provider 3 forwards, inside its label blob, four entries of its own share of F_2. The
        // weights scan of provider 2's view finds them; the real view holds no weight material.
        AuditedRun run = Fixture.Run;
        var auditor = new ViewAuditor(run);
        Party provider = Party.Server(1, 2), peer = Party.Server(1, 3);
        ulong[] share = run.ShareOf(peer).Weights(2);
        byte[] blob = new byte[4096];
        Random.Shared.NextBytes(blob);
        for (int k = 0; k < 4; k++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(blob.AsSpan(1001 + (8 * k)), share[640 + k]);
        var planted = run.ReceivedBy(provider).Append((peer, (SecoMessage)new ProviderLabels(0, 0, [blob])));
        List<string> findings = auditor.AuditPayloads(provider, tables: false, weights: true, received: planted);
        foreach (string f in findings.Take(4)) Output.WriteLine(f);
        Assert.Contains(findings, f => f.Contains("bytes [1001..1032] encode T1.3's share of F_2[640..643]", StringComparison.Ordinal));
        Assert.Empty(auditor.AuditPayloads(provider, tables: false, weights: true));
    }
}

/// <summary>Three tiers of widths 2, 3, 2, one block each: two boundaries, a provider in the middle tier, no circuit in the last.</summary>
public class ThreeTierViewAuditTests(ThreeTierViewAuditTests.Runs runs, ITestOutputHelper output) : HierarchyViewAudit<ThreeTierViewAuditTests.Runs>(runs, output), IClassFixture<ThreeTierViewAuditTests.Runs>
{
    public sealed class Runs() : HierarchyViewAuditFixture(0, new TierSpec(2, 1), new TierSpec(3, 1), new TierSpec(2, 1));

    [Theory]
    [InlineData("U")]
    [InlineData("A")]
    [InlineData("T1.0")]
    [InlineData("T1.1")]
    [InlineData("T2.0")]
    [InlineData("T2.1")]
    [InlineData("T2.2")]
    [InlineData("T3.0")]
    [InlineData("T3.1")]
    public void Party_learns_nothing_beyond_its_output(string party) =>
        PartyAudit.AssertNothingLearned(Fixture.Run, Coalition.Parse(party).Members.Single(), tables: true, Output, weights: true);

    [Theory]
    [InlineData("A+T1.0+T2.0+T2.2+T3.0")]
    [InlineData("A+T1.0+T2.0+T2.2+T3.1")]
    [InlineData("A+T1.0+T2.1+T2.2+T3.0")]
    [InlineData("A+T1.0+T2.1+T2.2+T3.1")]
    [InlineData("A+T1.1+T2.0+T2.2+T3.0")]
    [InlineData("A+T1.1+T2.0+T2.2+T3.1")]
    [InlineData("A+T1.1+T2.1+T2.2+T3.0")]
    [InlineData("A+T1.1+T2.1+T2.2+T3.1")]
    [InlineData("A+T1.0+T2.1")] // a tier's garbler with the next tier's evaluator (docs/hierarchy.md, caveat 2)
    [InlineData("T2.0+T2.2")] // the provider with its garbler
    [InlineData("T1.1+T2.0+T2.2+T3.0")] // servers across every tier, without A
    public void Allowed_coalition_learns_nothing(string coalition) =>
        PartyAudit.AssertCoalitionLearnsNothing(Fixture.Run, Coalition.Parse(coalition), Output);


    [Fact]
    public void Audit_finds_what_A_with_all_of_tier_2_learns()
    {
        // Forbidden: A with every server of tier 2. They hold tier 2's whole key, so they open tier 2's ciphertexts and
        // tier 1's shares of r_2 (under tier 2's key), solve E¹ of block 2, unmask x_3 and hold F_2; tier 1's and tier
        // 3's ciphertexts stay shut, and their weights and E¹ stay hidden.
        AuditedRun run = Fixture.Run;
        var coalition = Coalition.Parse("A+T2.0+T2.1+T2.2");
        Assert.False(coalition.Allowed);
        List<string> findings = PartyAudit.CoalitionFindings(run, coalition);
        foreach (string f in findings.Take(8)) Output.WriteLine(f);
        int q = ViewAuditFixture.Queries;

        List<string> opened = [.. PartyAudit.Matching(findings, "A's share of tier 2+T2.0+T2.1+T2.2 decrypt it")];
        Assert.Contains(opened, f => f.Contains("Enc_cpk2(r^j_2) from tier 1", StringComparison.Ordinal)); // tier 1's boundary shares
        Assert.Contains(opened, f => f.Contains("Enc_cpk2(r)", StringComparison.Ordinal));
        Assert.Contains(opened, f => f.Contains("Enc_cpk2(F^j r − S^j)", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Contains("Enc_cpk1", StringComparison.Ordinal) || f.Contains("Enc_cpk3", StringComparison.Ordinal));

        Assert.Equal(q, PartyAudit.Matching(findings, "(block 2): A+T2.0+T2.1+T2.2 solves").Count(f => f.EndsWith("recovering 128 of the 128 pre-activations", StringComparison.Ordinal)));
        Assert.Empty(PartyAudit.Matching(findings, "(block 1)"));
        Assert.Empty(PartyAudit.Matching(findings, "(block 3)"));

        // x_3's mask is A's and tier 2's: gone. x_2's is A's and tier 1's: the audit's algebra keeps it (the coalition
        // would have to decrypt the shares it opened above — the undecryptability finding is the leak there).
        Assert.Equal(q, PartyAudit.Matching(findings, "x_3 − r_3").Count(f => f.Contains("is left with 128 unmasked entries", StringComparison.Ordinal)));
        Assert.Empty(PartyAudit.Matching(findings, "x_2 − r_2"));

        Assert.Single(PartyAudit.Matching(findings, "T2.0+T2.1+T2.2's shares of block 2 sum to its weights"));
        Assert.Empty(PartyAudit.Matching(findings, "block 1 sum"));
        Assert.Empty(PartyAudit.Matching(findings, "block 3 sum"));
    }
}

/// <summary>
/// Two tiers of two at l = 1: A holds block 1 in the clear (the user's F_A share and garbled ReLU), tier 1 block 2
/// (the transition), tier 2 block 3 — the user's F_A path under a hierarchy.
/// </summary>
public class TwoTierSplitOneViewAuditTests(TwoTierSplitOneViewAuditTests.Runs runs, ITestOutputHelper output) : HierarchyViewAudit<TwoTierSplitOneViewAuditTests.Runs>(runs, output), IClassFixture<TwoTierSplitOneViewAuditTests.Runs>
{
    public sealed class Runs() : HierarchyViewAuditFixture(1, new TierSpec(2, 1), new TierSpec(2, 1));

    [Theory]
    [InlineData("U")]
    [InlineData("A")]
    [InlineData("T1.0")]
    [InlineData("T1.1")]
    [InlineData("T2.0")]
    [InlineData("T2.1")]
    public void Party_learns_nothing_beyond_its_output(string party) =>
        PartyAudit.AssertNothingLearned(Fixture.Run, Coalition.Parse(party).Members.Single(), tables: true, Output, weights: true);

    [Theory]
    [InlineData("A+T1.0+T2.0")]
    [InlineData("A+T1.0+T2.1")]
    [InlineData("A+T1.1+T2.0")]
    [InlineData("A+T1.1+T2.1")]
    public void Allowed_coalition_learns_nothing(string coalition) =>
        PartyAudit.AssertCoalitionLearnsNothing(Fixture.Run, Coalition.Parse(coalition), Output);

}
