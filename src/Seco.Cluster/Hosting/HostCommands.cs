using Akka.Actor;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Hosting;

/// <summary>The gateway's door hands the run a message from user session <paramref name="User"/> (decoded, or naming its problem).</summary>
internal sealed record FromUser(int User, ReceivedSecoMessage Message);

/// <summary>The gateway node admitted user session <paramref name="User"/> into the run: the host sends that user's messages to <paramref name="Channel"/>.</summary>
internal sealed record JoinUser(int User, IUserChannel Channel);

/// <summary>
/// User session <paramref name="User"/> is over in run <paramref name="Run"/>: told by the node to the host when the user
/// left (the host drops its session), and by the host to the node when the user's own message failed its session
/// (the host closed it; the node forgets the user, and ends the run when it was the last).
/// </summary>
internal sealed record UserGone(long Run, int User, string Reason);

/// <summary>A party of the run is suspected (unreachable past the grace period): fail the queries in flight with this reason.</summary>
/// <param name="Suspect">The server suspected: the gateway's role then tells the user only that the query failed among the servers.</param>
internal sealed record FailOpenQueries(string Reason, Protocol.Roles.Party? Suspect = null);

/// <summary>
/// The run cannot go on (a server left, the server session's setup failed): the parent ends it everywhere. A user's
/// own message never fails the run, only that user's session (<see cref="UserGone"/>); so the users are told only
/// that their session failed among the servers (the reason names servers behind A).
/// </summary>
internal sealed record RunFailed(long Run, string Reason);

/// <summary>The run's key set has given every query of its budget: the node admits no more users into it (they wait for the next run, under new keys).</summary>
internal sealed record KeySetSpent(long Run);

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

/// <summary>
/// The gateway node admits a user: into the run in progress (the server session is shared by every user, issue 22), or
/// into a new run when none is.
/// </summary>
internal sealed record UserArrived(IUserChannel Channel, TaskCompletionSource<UserAdmission> Admitted);

/// <summary>A user admitted at the gateway: the run's host (the door feeds it), the run, and the user's session number in it.</summary>
internal sealed record UserAdmission(IActorRef Host, long Run, int User);

/// <summary>User session <paramref name="User"/>'s connection ended (it disconnected, or its stream failed) during run <paramref name="Run"/>.</summary>
internal sealed record UserLeft(long Run, int User, string? Problem);
