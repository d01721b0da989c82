using Akka.Actor;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Hosting;

/// <summary>The gateway's door hands the run a message from the user (decoded, or naming its problem).</summary>
internal sealed record FromUser(ReceivedSecoMessage Message);

/// <summary>A party of the run is suspected (unreachable past the grace period): fail the queries in flight with this reason.</summary>
/// <param name="Suspect">The server suspected: the gateway's role then tells the user only that the query failed among the servers.</param>
internal sealed record FailOpenQueries(string Reason, Protocol.Roles.Party? Suspect = null);

/// <summary>The run cannot go on (a party left, its setup failed): the parent ends it everywhere.</summary>
/// <param name="ByUser">The user's own message caused it: the user may be told the reason (any other names servers behind A).</param>
internal sealed record RunFailed(long Run, string Reason, bool ByUser = false);

/// <summary>Periodic check of the per-query deadline.</summary>
internal sealed record DeadlineTick
{
    public static readonly DeadlineTick Instance = new();
}

/// <summary>Where the gateway's run sends what is for the user: the user's door connection.</summary>
public interface IUserChannel
{
    /// <summary>Queues one encoded message for the user (never blocks the caller).</summary>
    void Send(EncodedSecoMessage message);

    /// <summary>Ends the session: the user is told <paramref name="reason"/> (null: the run finished normally).</summary>
    void Close(string? reason);
}

/// <summary>The gateway node admits a user: a new run starts, whose host takes the user's messages.</summary>
internal sealed record UserArrived(IUserChannel Channel, TaskCompletionSource<IActorRef> Admitted);

/// <summary>The user's connection ended (it disconnected, or its stream failed) during run <paramref name="Run"/>.</summary>
internal sealed record UserLeft(long Run, string? Problem);
