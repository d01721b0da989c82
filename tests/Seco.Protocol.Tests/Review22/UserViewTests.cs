using Seco.Lattice.Bfv;
using Seco.Lattice.Serialization;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Audit;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22, question 2 (defence holds): what a user can open of its whole view — every ciphertext A sent it (A's
/// F_A shares and the output), decrypted with its real sk0, all n slots — and what it sees in the clear (masked
/// inputs, label messages, query numbers) holds nothing of another user's query running at the same time: no run of
/// four of the other user's input, activations, pre-activations or logits appears anywhere, and its outputs open to
/// its own logits only under its own key.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class UserViewTests
{
    private const int Window = 4;

    [Fact]
    public void A_users_whole_view_holds_nothing_of_another_users_concurrent_query()
    {
        var run = new MultiUserRun(users: 2, queriesPerUser: 2, seed: 3);
        run.Run();
        run.AssertAllExact(0);
        run.AssertAllExact(1);

        var encoder = new BatchEncoder(run.P.Context);
        for (int u = 0; u < 2; u++)
        {
            int other = 1 - u;
            // The other user's secrets: every block's input and pre-activation, and the logits, as windows of four.
            var secrets = new HashSet<string>();
            foreach (ulong[] x in run.Inputs[other])
            {
                var truth = new QueryTruth(run.Model, run.P, x);
                foreach (ulong[] v in truth.X.Values.Concat(truth.Z.Values).Append(truth.Logits))
                    for (int i = 0; i + Window <= v.Length; i++)
                        if (v.Skip(i).Take(Window).Distinct().Count() == Window && !v.Skip(i).Take(Window).Contains(0UL))
                            secrets.Add(string.Join(",", v.Skip(i).Take(Window)));
            }
            Assert.NotEmpty(secrets);

            var mine = new Decryptor(run.P.Context, run.Users[u].SecretKey);
            var theirs = new Decryptor(run.P.Context, run.Users[other].SecretKey);
            var views = new List<ulong[]>();
            foreach ((Party _, Party to, SecoMessage m) in run.Delivered.Where(d => d.To == Party.UserOf(u)))
            {
                switch (m)
                {
                    case GatewayPreprocessing g:
                        views.AddRange(g.ShareCiphertexts.Select(c => encoder.Decode(mine.Decrypt(BfvSerializer.LoadCiphertextOrSeeded(run.P.Context, c)))));
                        break;
                    case OutputCiphertext o:
                        {
                            Ciphertext ct = BfvSerializer.LoadCiphertextOrSeeded(run.P.Context, o.Ciphertext);
                            ulong[] slots = encoder.Decode(mine.Decrypt(ct));
                            views.Add(slots);
                            long[] expected = run.ExpectedLogits(u, o.Query);
                            Assert.Equal(expected, slots.Take(expected.Length).Select(Seco.Nn.Field.PrimeField.ToSigned));
                            // Under the other user's key it opens to nothing (the decryptor refuses it as pure noise).
                            Assert.Throws<NoiseBudgetExhaustedException>(() => theirs.Decrypt(ct));
                            break;
                        }
                    case MaskedActivation or GarblerInput or OutputShare:
                        views.Add(m switch { MaskedActivation a => a.Values, OutputShare s => s.Values, _ => [] });
                        break;
                }
                if (m is QueryMessage q)
                    Assert.InRange(q.Query, 0, 1);
            }
            Assert.NotEmpty(views);
            // The check can see: the user's own logits do show up in its view (the output's prefix).
            string own = string.Join(",", new QueryTruth(run.Model, run.P, run.Inputs[u][0]).Logits.Take(Window));
            Assert.Contains(views, slots => slots.Length >= Window && Enumerable.Range(0, slots.Length - Window + 1).Any(i => string.Join(",", slots.Skip(i).Take(Window)) == own));
            foreach (ulong[] slots in views)
                for (int i = 0; i + Window <= slots.Length; i++)
                    Assert.DoesNotContain(string.Join(",", slots.Skip(i).Take(Window)), secrets);
        }
    }
}
