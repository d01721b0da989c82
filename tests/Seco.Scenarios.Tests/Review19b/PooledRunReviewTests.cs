using System.Collections.Concurrent;
using System.Reflection;
using Seco.Actors.Runtime;
using Seco.MessagePack;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios.Secure;
using Seco.Scenarios.Tests.Secure;

namespace Seco.Scenarios.Tests.Review19b;

/// <summary>Tests that read or dirty the process-wide <see cref="ExactArrayPool.Shared"/> run alone: no other test rents from it meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedPoolCollection
{
    public const string Name = "shared exact-array pool (runs alone)";
}

/// <summary>
/// Security review 19b: whole secure runs (user, A, B, C in the simulator, real keys) over the shared exact-length pool
/// that now holds frames, garbled chunks and serialized ciphertexts. What a party receives must not change: no stale
/// byte of a reused or uninitialized array may reach a message, no array may be given back twice (two renters would
/// share it: one party's message overwritten by another's), and a handler that fails after lending must not corrupt
/// later queries.
/// </summary>
[Trait("Category", "SecurityReview19b")]
[Collection(SharedPoolCollection.Name)]
public class PooledRunReviewTests
{
    /// <summary>Eight bytes no encoder writes by chance (2^-64 a position).</summary>
    private static readonly byte[] Canary = [0xC4, 0x7A, 0x52, 0xE1, 0x9B, 0x3D, 0x06, 0xF8];

    private static IEnumerable<byte[]> Pooled(ExactArrayPool pool)
    {
        var free = (ConcurrentDictionary<int, ConcurrentBag<byte[]>>)typeof(ExactArrayPool)
            .GetField("_free", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(pool)!;
        return free.Values.SelectMany(bag => bag.ToArray());
    }

    private static void Fill(byte[] array)
    {
        for (int k = 0; k < array.Length; k++) array[k] = Canary[k % Canary.Length];
    }

    private static bool HasCanary(ReadOnlySpan<byte> bytes) => bytes.IndexOf(Canary) >= 0;

    /// <summary>Records every message its role receives, re-encoded (what came off the wire, field by field).</summary>
    private sealed class Inbound(ISecoRole inner, ConcurrentQueue<(Party To, string Kind, byte[] Body)> seen) : ISecoRole
    {
        public Party Self => inner.Self;

        public void Start(Outbox outbox) => inner.Start(outbox);

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            seen.Enqueue((Self, message.GetType().Name, SecoCodecs.Encode(message)));
            inner.Handle(from, message, outbox);
        }

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => inner.Abort(query, at, reason, outbox, from);

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => inner.AbortUserQuery(user, query, at, reason, outbox);
    }

    /// <summary>
    /// Throws after its role has sent and lent pooled payloads for query 1 — before the host encoded them — as a handler
    /// failing between Send and encoding does. The host disposes the outbox: the loans go back unsent.
    /// </summary>
    private sealed class FailsAfterLending(ISecoRole inner, Action thrown) : ISecoRole
    {
        public Party Self => inner.Self;

        public void Start(Outbox outbox) => inner.Start(outbox);

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            inner.Handle(from, message, outbox);
            // Only in query 1's own handlers: a failure fails the session of the message being handled.
            if (message is QueryMessage { Query: 1 } && outbox.Messages.Any(m => m.Message is QueryMessage { Query: 1 } and (MaskShares or GarbledCircuits or LinearShares or MaskAggregate
                    or GatewayPreprocessing or UserPreprocessing or OutputCiphertext)))
            {
                thrown();
                throw new InvalidOperationException("a handler failing after it lent pooled payloads (review 19b)");
            }
        }

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => inner.Abort(query, at, reason, outbox, from);

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => inner.AbortUserQuery(user, query, at, reason, outbox);
    }

    private static void AssertNoArrayTwice()
    {
        byte[][] held = [.. Pooled(ExactArrayPool.Shared)];
        Assert.Equal(held.Length, held.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(held.Sum(a => (long)a.Length), ExactArrayPool.Shared.HeldBytes);
    }

    [Fact]
    public void A_run_renting_dirty_arrays_delivers_no_stale_byte_and_stays_bit_exact()
    {
        PreparedScenario prepared = PreparedScenario.Prepare(MlpScenario.Load("review19b-dirty"));
        // A first run leaves the pool holding arrays of this deployment's message lengths.
        Assert.True(SecureRun.Run(prepared, timing: ComputeTiming.ChargedOnly).AllBitExact);
        byte[][] dirtied = [.. Pooled(ExactArrayPool.Shared)];
        Assert.NotEmpty(dirtied);
        try
        {
            // Each stands for memory GC.AllocateUninitializedArray could hand out: another party's old message.
            foreach (byte[] a in dirtied) Fill(a);
            var seen = new ConcurrentQueue<(Party To, string Kind, byte[] Body)>();
            SecureRunResult run = SecureRun.Run(prepared, null, ComputeTiming.ChargedOnly, role => new Inbound(role, seen));

            Assert.True(run.AllBitExact, string.Join("; ", run.Queries.Select(q => q.FailureReason ?? (q.BitExact ? "exact" : "wrong"))));
            Assert.NotEmpty(seen);
            Assert.All(seen, m => Assert.False(HasCanary(m.Body), $"{m.To} received a {m.Kind} carrying stale pool bytes"));
            // Not vacuous: the run did rent (and overwrite) dirty arrays — of frames, chunks and ciphertexts alike.
            Assert.Contains(dirtied, a => !HasCanary(a));
            AssertNoArrayTwice();
        }
        finally
        {
            foreach (byte[] a in Pooled(ExactArrayPool.Shared)) Array.Clear(a); // what Return promises the next renter
        }
    }

    [Fact]
    public void Handlers_failing_after_they_lent_fail_their_query_only_and_give_nothing_back_twice()
    {
        PreparedScenario prepared = PreparedScenario.Prepare(MlpScenario.Load("review19b-fail-after-lend"));
        int thrown = 0;
        SecureRunResult run = SecureRun.Run(prepared, null, ComputeTiming.ChargedOnly,
            role => new FailsAfterLending(role, () => Interlocked.Increment(ref thrown)));

        Assert.True(thrown > 0);
        Assert.False(run.Queries[1].Completed);
        Assert.True(run.Queries[0].BitExact, run.Queries[0].FailureReason);
        Assert.True(run.Queries[2].BitExact, run.Queries[2].FailureReason);
        AssertNoArrayTwice();
    }
}
