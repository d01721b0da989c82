using Seco.Protocol.Compute;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review22d;

/// <summary>
/// Review 22d: a hostile peer's malformed ciphertext or share in one iteration (or in every iteration at once) of a
/// converted loop running on 8 threads fails that query with the same clean error a sequential run gives — an
/// <see cref="InvalidDataException"/> naming what was malformed, never an <see cref="AggregateException"/> — and the
/// other query of the run still ends bit-exact.
/// </summary>
public class HostileIterationTests
{
    private static readonly Party B = Party.Server(1, 0);

    public static TheoryData<string, bool> Cases => new()
    {
        { "linear shares to A", false }, { "linear shares to A", true },
        { "decryption shares to A", false }, { "decryption shares to A", true },
        { "mask aggregate to B", false }, { "mask aggregate to B", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_malformed_iteration_under_threads_fails_only_its_query_with_invalid_data(string what, bool every)
    {
        var h = new Hierarchy("mlp.onnx", 0, [new TierSpec(2, 3)], queries: 2);
        byte[][] Spoil(byte[][] items) => [.. items.Select((b, k) => every || k == 1 ? new byte[b.Length] : b)];
        switch (what)
        {
            case "linear shares to A":
                h.Hostile(B).Rewrite = (to, m) => to == Party.Gateway && m is LinearShares { Query: 0 } s ? s with { Ciphertexts = Spoil(s.Ciphertexts) } : m;
                break;
            case "decryption shares to A":
                h.Hostile(B).Rewrite = (to, m) => to == Party.Gateway && m is DecryptionShares { Query: 0 } s ? s with { Shares = Spoil(s.Shares) } : m;
                break;
            default:
                h.Hostile(Party.Gateway).Rewrite = (to, m) => to == B && m is MaskAggregate { Query: 0 } s ? s with { Ciphertexts = Spoil(s.Ciphertexts) } : m;
                break;
        }

        using (KernelRunner.Use(new ThreadedRunner(8)))
            h.Run();

        (Party at, SecoMessage message, Exception error) = Assert.Single(h.Loop.Failures);
        Assert.Equal(what.EndsWith("to B") ? B : Party.Gateway, at);
        Assert.Equal(0, ((QueryMessage)message).Query);
        Assert.IsType<InvalidDataException>(error);
        Assert.Equal([1], h.Predicted);
        Assert.Contains(0, h.Failed);
        h.AssertPredictionsBitExact();
    }
}
