using System.Buffers.Binary;
using System.Reflection;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

using Seco.Protocol.Tests.Review22;

namespace Seco.Protocol.Tests.Review22b;

/// <summary>
/// Review 22b, questions 1 and 2 (defences hold): a user with several of its own queries in flight — pipelined (two) or
/// a preprocessing pool (three ahead) — next to another user, on FIFO links and on seeded random interleavings. Every
/// query is bit-exact for its own input; every query has its own masks (the same input every time, so x − r_1 differs
/// only by r_1); the user's label batches with A never share an OT index; and several queries really preprocessed at once.
/// </summary>
[Trait("Category", "SecurityReview22b")]
public class PooledQueriesTests
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    internal static OtReceiverQueue QueueOf(UserRole user) => (OtReceiverQueue)typeof(UserRole).GetField("_batches", Private)!.GetValue(user)!;

    internal static int[] Waiting(OtReceiverQueue queue) => Review22.OtQueueTests.Waiting(queue);

    internal static int? Pending(OtReceiverQueue queue) => Review22.OtQueueTests.Pending(queue);

    internal static int ActiveCount(UserRole user) => ((System.Collections.ICollection)typeof(UserRole).GetField("_active", Private)!.GetValue(user)!).Count;

    /// <summary>(first OT index, count) of an IKNP matrix message.</summary>
    internal static (ulong First, uint Count) Header(byte[] matrix) =>
        (BinaryPrimitives.ReadUInt64LittleEndian(matrix.AsSpan(5)), BinaryPrimitives.ReadUInt32LittleEndian(matrix.AsSpan(1)));

    [Theory]
    [InlineData(true, 0, null, 1)]
    [InlineData(false, 3, 22, 1)]
    [InlineData(true, 2, 5, 2)] // split 2: two F_A ReLU blocks, two label batches per query
    public void Queries_in_flight_stay_apart_bit_exact_with_fresh_masks_and_ot_indices(bool pipelined, int pool, int? seed, int split)
    {
        var run = new MultiUserRun(submitInputs: true, users: 2, queriesPerUser: 3, pipelined: pipelined, pool: pool, split: split, seed: seed, sameInput: true);
        run.SubmitAll();
        run.Run();

        Assert.True(run.Failures.Count == 0, run.Describe());
        for (int k = 0; k < 2; k++)
        {
            run.AssertAllExact(k);
            Party u = Party.UserOf(k);
            var sent = run.Delivered.Where(d => d.From == u).Select(d => d.Message).ToList();
            // Fresh r_1 per query: the same x, four different x − r_1.
            ulong[][] masked = [.. sent.OfType<MaskedActivation>().Select(m => m.Values)];
            Assert.Equal(3, masked.Length);
            Assert.Equal(3, masked.Select(v => string.Join(",", v)).Distinct().Count());
            // The user's OT batches with A: increasing, never overlapping indices (no choice batch or pad reused).
            var batches = sent.OfType<OtRequest>().Select(r => Header(r.Matrix)).ToList();
            Assert.Equal(3 * split, batches.Count);
            for (int i = 1; i < batches.Count; i++)
                Assert.True(batches[i].First >= batches[i - 1].First + batches[i - 1].Count, $"user {k}'s OT batch {i} reuses indices");
            // Several of the user's queries preprocessed at once: a later query's preprocessing went out before an earlier one's input.
            int firstInput = sent.FindIndex(m => m is MaskedActivation);
            Assert.True(sent.Take(firstInput).OfType<UserPreprocessing>().Count() >= (pool > 0 ? Math.Min(pool, 3) : 1));
            Assert.True(sent.OfType<UserPreprocessing>().First(m => m.Query == 1) is var p1 && sent.IndexOf(p1) < sent.FindLastIndex(m => m is GatewayCircuitOutput { Query: 0 }),
                $"user {k}: query 1 did not overlap query 0");
            Assert.Equal(0, ActiveCount(run.Users[k]));
            Assert.Null(Pending(QueueOf(run.Users[k])));
        }
    }
}
