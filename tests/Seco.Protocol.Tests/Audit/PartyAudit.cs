using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Protocol.Tests.Audit;

/// <summary>The whole audit of one party's view in one run (<see cref="ViewAuditor"/>), as the ViewAudit test classes run it.</summary>
internal static class PartyAudit
{
    /// <param name="tables">Also scan garbled tables byte by byte (slow for MiniONN's tens of MB per layer).</param>
    public static void AssertNothingLearned(AuditedRun run, Party party, bool tables, ITestOutputHelper output)
    {
        if (party.IsServer && !run.P.HasRemoteTier)
        {
            // l = L: no remote tier exists, and nothing at all reaches B or C.
            Assert.Empty(run.ReceivedBy(party));
            return;
        }
        var auditor = new ViewAuditor(run);
        List<Decryption> decryptions = auditor.DecryptionsBy(party);
        List<ClearVector> vectors = auditor.ClearVectorsOf(party);

        // The audit inspects the real view: as many decryptions and clear vectors as the protocol defines.
        int l = run.Split, L = run.L, queries = run.Queries;
        int expectedDecryptions =
            party.IsUser ? queries * (l + (l < L ? 1 : 0)) // F_i r_i − s_i per F_A block, and the output ciphertext
            : party.IsGateway ? queries * (L - l) // E¹ of every F_BC block
            : 0;
        Assert.Equal(expectedDecryptions, decryptions.Count);
        int received = run.ReceivedBy(party).Count();
        Assert.True(received > 0, $"{party} received nothing");

        var findings = new List<string>();
        findings.AddRange(auditor.AuditDecryptions(decryptions));
        findings.AddRange(auditor.AuditUndecryptable(party));
        findings.AddRange(auditor.AuditRecomputation(party));
        findings.AddRange(auditor.AuditClearVectors(vectors));
        findings.AddRange(auditor.AuditPayloads(party, tables));
        output.WriteLine($"{party} at l = {l}: {received} messages received, {decryptions.Count} plaintexts decrypted ({decryptions.Sum(d => d.Slots.Length):N0} slots), {vectors.Count} clear Z_p vectors, {findings.Count} findings");
        Assert.True(findings.Count == 0, $"{party} at l = {l} learns something:\n" + string.Join("\n", findings.Take(40)));
    }

    /// <summary>
    /// The plaintext the pre-fix protocol let a party decrypt: the same product, but masked as it was then — the mask
    /// on the m outputs of both batching rows (MatVecLayout.PackOutput) and nothing anywhere else.
    /// </summary>
    public static Decryption WithOldMasks(Decryption d)
    {
        int n = d.Slots.Length, half = n / 2;
        ulong[] slots = (ulong[])d.Unmasked!.Clone();
        for (int j = 0; j < d.Outputs; j++)
        {
            ulong mask = Nn.Field.PrimeField.Subtract(d.Unmasked[j], d.Slots[j]);
            slots[j] = d.Slots[j];
            slots[half + j] = Nn.Field.PrimeField.Subtract(d.Unmasked[half + j], mask);
        }
        return d with { Slots = slots };
    }

    /// <summary>The pre-fix output ciphertext: the logits in slots 0..m−1 and zeros everywhere else.</summary>
    public static Decryption WithZeroPadding(Decryption d)
    {
        var slots = new ulong[d.Slots.Length];
        d.Slots.AsSpan(0, d.Outputs).CopyTo(slots);
        return d with { Slots = slots };
    }

    public static IEnumerable<string> Matching(IEnumerable<string> findings, string text) =>
        findings.Where(f => f.Contains(text, StringComparison.Ordinal));

    internal static bool IsAbout(SecoMessage message, int query) => message is QueryMessage q && q.Query == query;
}
