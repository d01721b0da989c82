using Seco.Actors.Messages;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>Sessions are the run's query + 2, unique across key sets; a key set's actor maps back only its own.</summary>
public class RoleActorSessionTests
{
    [Fact]
    public void A_session_maps_back_to_the_key_sets_own_query_and_no_other()
    {
        // Key set 1 of a budget of 64 runs the run's queries 64..127 as its queries 0..63.
        var actor = new RoleActor(null!, new Dictionary<Party, Seco.Actors.Runtime.ActorRef>(), (_, _) => { }, firstQuery: 64, queryCount: 64);

        Assert.Equal(new SessionId(66), RoleActor.SessionOf(new QueryReady(0), firstQuery: 64));
        Assert.Equal(0, actor.QueryOf(new SessionId(66)));
        Assert.Equal(63, actor.QueryOf(new SessionId(129)));
        Assert.Null(actor.QueryOf(RoleActor.SetupSession));
        Assert.Null(actor.QueryOf(new SessionId(65)));          // key set 0's query 63
        Assert.Null(actor.QueryOf(new SessionId(130)));         // key set 2's query 0
        Assert.Null(actor.QueryOf(new SessionId(ulong.MaxValue)));
    }
}
