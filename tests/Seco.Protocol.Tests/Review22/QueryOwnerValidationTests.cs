using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22, question 3 (defences hold): the last tier's servers take a user's pk0 (<see cref="UserPublicKey"/>) and a
/// query's owner (<see cref="QueryOwner"/>) from A only, after their setup, once each, and only for a user whose key
/// came; a server of an earlier tier takes neither. A refused <see cref="QueryOwner"/> fails that query alone.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class QueryOwnerValidationTests
{
    [Fact]
    public void A_wrong_or_repeated_owner_fails_that_query_only_and_the_last_tier_refuses_keys_out_of_turn()
    {
        MultiUserRun? run = null;
        run = new MultiUserRun(users: 3, queriesPerUser: 1, wrap: (address, role) => !address.IsGateway ? role : new HostileRole(role)
        {
            // A names user 1's query's owner (server query 1: A welcomes users in order) as user session 9, whose key never came.
            Rewrite = (to, m) => m is QueryOwner { Query: 1 } o ? o with { User = 9 } : m,
        });
        // And names user 2's query's owner a second time (as user 0: another user's key).
        var named = new HashSet<Party>();
        run.Inject = (from, to, m) => from.IsGateway && m is QueryOwner o && run.OwnerOf(o.Query) is (2, 0) && named.Add(to) ? [(from, to, o with { User = 0 })] : [];
        run.Run();

        Assert.Equal((1, 0), run.OwnerOf(1));
        run.AssertAllExact(0);
        Assert.Equal([0], run.Failed(1));
        Assert.Equal([0], run.Failed(2));
        Assert.Contains(run.Failures, f => f.Message is QueryOwner && f.Error.Message.Contains("names user 9, whose key never came", StringComparison.Ordinal));
        Assert.Contains(run.Failures, f => f.Message is QueryOwner && f.Error.Message.Contains("user was named twice", StringComparison.Ordinal));
        // Nobody's output went out under a key A did not name once: user 2 got no output at all.
        Assert.DoesNotContain(run.Delivered, d => d.To == Party.UserOf(2) && d.Message is OutputCiphertext);

        // After the run: the last tier refuses a second key for a user, an owner from a peer, an owner for a query it does not hold.
        RemoteServerRole last = run.Servers[Party.Server(1, 0)];
        byte[] pk = run.Delivered.Select(d => d.Message).OfType<UserPublicKey>().First(k => k.User == 0).PublicKey;
        Assert.Contains("a second public key for user 0", Assert.Throws<ProtocolViolationException>(() => last.Handle(Party.Gateway, new UserPublicKey(0, pk), new Outbox())).Message, StringComparison.Ordinal);
        Assert.Throws<ProtocolViolationException>(() => last.Handle(Party.Evaluator, new QueryOwner(0, 0), new Outbox()));
        Assert.Contains("unknown here", Assert.Throws<ProtocolViolationException>(() => last.Handle(Party.Gateway, new QueryOwner(99, 0), new Outbox())).Message, StringComparison.Ordinal);
        // A server before its setup takes no user key; a user number past the limit never decodes.
        RemoteServerRole fresh = RemoteServerRole.For(run.P, run.Deployment.Share(Party.Server(1, 1)), Party.Server(1, 1));
        Assert.Contains("before setup finished", Assert.Throws<ProtocolViolationException>(() => fresh.Handle(Party.Gateway, new UserPublicKey(1, pk), new Outbox())).Message, StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => SecoCodecs.Decode(SecoCodecs.Encode(new QueryOwner(0, Party.MaxUsers))));
        Assert.ThrowsAny<Exception>(() => SecoCodecs.Decode(SecoCodecs.Encode(new UserPublicKey(-1, pk))));

        // A server of a tier before the last takes no user key and no owner.
        ModelSplit two = ModelSplit.Create(run.Model, 1, EndToEndTests.Context.Value, tiers: [new TierSpec(2, 1), new TierSpec(2, 1)]);
        RemoteServerRole first = RemoteServerRole.For(two.Parameters, two.Share(Party.Server(1, 0)), Party.Server(1, 0));
        Assert.Contains("last tier only", Assert.Throws<ProtocolViolationException>(() => first.Handle(Party.Gateway, new UserPublicKey(0, pk), new Outbox())).Message, StringComparison.Ordinal);
        Assert.Throws<ProtocolViolationException>(() => first.Handle(Party.Gateway, new QueryOwner(0, 0), new Outbox()));
    }
}
