using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Protocol.Tests.Audit;

/// <summary>The whole audit of one party's view, or one coalition's, in one run (<see cref="ViewAuditor"/>), as the ViewAudit test classes run it.</summary>
internal static class PartyAudit
{
    /// <param name="tables">Also scan garbled tables byte by byte (slow for MiniONN's tens of MB per layer).</param>
    /// <param name="weights">Also scan for the weights and other servers' weight shares (dense models only).</param>
    public static void AssertNothingLearned(AuditedRun run, Party party, bool tables, ITestOutputHelper output, bool weights = false)
    {
        if (party.IsServer && !run.P.HasRemoteTier)
        {
            // l = L: no remote tier exists, and nothing at all reaches B or C.
            Assert.Empty(run.ReceivedBy(party));
            return;
        }
        Assert.True(party.IsUser || party.IsGateway || run.Servers.ContainsKey(party), $"{party} is not a party of this run");
        var auditor = new ViewAuditor(run);
        List<Decryption> decryptions = auditor.DecryptionsBy(party);
        List<ClearVector> vectors = auditor.ClearVectorsOf(party);

        // The audit inspects the real view: as many decryptions and clear vectors as the protocol defines.
        int l = run.Split, L = run.L, queries = run.Queries;
        int expectedDecryptions =
            party.IsUser ? queries * (l + (l < L ? 1 : 0)) // F_i r_i − s_i per F_A block, and the output ciphertext
            : party.IsGateway ? queries * (L - l) // E¹ of every F_BC block, whichever tier holds it
            : 0;
        Assert.Equal(expectedDecryptions, decryptions.Count);
        int received = run.ReceivedBy(party).Count();
        Assert.True(received > 0, $"{party} received nothing");
        if (party.IsServer)
        {
            // Every server sees x_i − r_i of each of its tier's blocks, every query; an evaluator also the next tier's input it sends.
            int blocks = run.P.Tier(party.Tier).BlockCount + (party.Duty == ServerDuty.Evaluator && party.Tier < run.P.Depth ? 1 : 0);
            Assert.Equal(queries * blocks, vectors.Count(v => v.What.StartsWith("x_", StringComparison.Ordinal)));
        }

        var findings = new List<string>();
        var times = new List<string>();
        void Check(string what, Func<IEnumerable<string>> audit)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            findings.AddRange(audit());
            times.Add($"{what} {clock.Elapsed.TotalSeconds:F1} s");
        }
        Check("decryptions", () => auditor.AuditDecryptions(decryptions));
        Check("ciphertexts", () => auditor.AuditUndecryptable(party));
        Check("recomputation", () => auditor.AuditRecomputation(party));
        Check("clear vectors", () => auditor.AuditClearVectors(vectors));
        Check("payloads", () => auditor.AuditPayloads(party, tables, weights));
        if (party.IsServer)
            Check("weights", () => ((Coalition[])[Coalition.Of(party), .. Coalition.MaximalWith(run.P, party)]).SelectMany(c => auditor.AuditWeights(c)).ToList());
        int coalitions = Coalition.MaximalWith(run.P, party).Count;
        output.WriteLine($"{party} at l = {l}: {received} messages received, {decryptions.Count} plaintexts decrypted ({decryptions.Sum(d => d.Slots.Length):N0} slots), {vectors.Count} clear Z_p vectors, attacked alone and in {coalitions} maximal allowed coalitions, {findings.Count} findings ({string.Join(", ", times)})");
        Assert.True(findings.Count == 0, $"{party} at l = {l} learns something:\n" + string.Join("\n", findings.Take(40)));
    }

    /// <summary>
    /// Everything a coalition's pooled view gives away: A's plaintexts attacked with the coalition's output masks, every
    /// ciphertext any member receives against the coalition's pooled key shares (and the recomputation attack), every
    /// clear vector with the mask shares the coalition knows removed, and the weight shares it holds.
    /// </summary>
    public static List<string> CoalitionFindings(AuditedRun run, Coalition coalition)
    {
        var auditor = new ViewAuditor(run);
        var findings = new List<string>();
        if (coalition.HasGateway)
            findings.AddRange(auditor.AuditDecryptions(auditor.DecryptionsBy(Party.Gateway), scan: false, attackers: [coalition]));
        findings.AddRange(auditor.AuditUndecryptable(coalition));
        findings.AddRange(auditor.AuditRecomputation(coalition));
        findings.AddRange(auditor.AuditClearVectors(auditor.ClearVectorsOf(coalition)));
        findings.AddRange(auditor.AuditWeights(coalition));
        return findings;
    }

    /// <summary>An allowed coalition learns nothing: <see cref="CoalitionFindings"/> is empty.</summary>
    public static void AssertCoalitionLearnsNothing(AuditedRun run, Coalition coalition, ITestOutputHelper output)
    {
        Assert.True(coalition.AllowedUnder(run.P.Protocol), $"{coalition} is not a coalition the threat model allows");
        Assert.All(coalition.Members, m => Assert.True(m.IsGateway || run.Servers.ContainsKey(m), $"{m} is not a party of this run"));
        var auditor = new ViewAuditor(run);
        int received = coalition.Members.Sum(m => run.ReceivedBy(m).Count());
        int vectors = auditor.ClearVectorsOf(coalition).Count;
        Assert.True(vectors > 0, $"{coalition} sees no clear vector");
        List<string> findings = CoalitionFindings(run, coalition);
        output.WriteLine($"{coalition}: {received} messages received by its members, {vectors} clear Z_p vectors, {findings.Count} findings");
        Assert.True(findings.Count == 0, $"{coalition} learns something:\n" + string.Join("\n", findings.Take(40)));
    }

    /// <summary>
    /// The plaintext the pre-fix protocol let a party decrypt: the same product, but masked as it was then — the
    /// outputs' mask in the form's output packing (HeForm.PackOutput: for the mat-vec the m outputs of both batching
    /// rows) and nothing anywhere else.
    /// </summary>
    public static Decryption WithOldMasks(AuditedRun run, Decryption d)
    {
        ulong[] mask = ZpVector.Subtract(FormSlots.At(d.Unmasked!, d.OutputAt), d.OutputValues);
        return d with { Slots = ZpVector.Subtract(d.Unmasked!, FormSlots.Concat(run.P.Form(d.Block).PackOutput(mask))) };
    }

    /// <summary>The pre-fix output ciphertext: the intended outputs where they are and zeros everywhere else.</summary>
    public static Decryption WithZeroPadding(Decryption d)
    {
        var slots = new ulong[d.Slots.Length];
        foreach (int j in d.OutputAt) slots[j] = d.Slots[j];
        return d with { Slots = slots };
    }

    public static IEnumerable<string> Matching(IEnumerable<string> findings, string text) =>
        findings.Where(f => f.Contains(text, StringComparison.Ordinal));

    internal static bool IsAbout(SecoMessage message, int query) => message is QueryMessage q && q.Query == query;
}
