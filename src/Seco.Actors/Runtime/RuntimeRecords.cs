using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>A session that failed at an actor: when, where, in which phase, on which message, and why.</summary>
/// <param name="Remote">True when a peer reported the failure (<see cref="SessionFailed"/>) rather than it happening here.</param>
public sealed record SessionFailure(long AtNs, string Party, string Actor, SessionId Session, string Phase, string? Kind, string Error, bool Remote);

/// <summary>A message that reached no handler, and why (no such actor, actor stopped, session failed, late reply...).</summary>
public sealed record DeadLetter(long AtNs, string Party, string To, string? Kind, SessionId Session, string Reason);

/// <summary>A frame rejected before it could be given to any actor or session.</summary>
public sealed record RejectedFrame(long AtNs, string Party, string From, string Reason);

/// <summary>The hosted logic marked the start or the end of a query on its party (<see cref="ActorContext.BeginQuery"/>).</summary>
public sealed record QueryMark(long AtNs, string Party, string Query, bool Begin);

/// <summary>How a handler's compute time is measured (docs/actors.md, "compute time").</summary>
public enum ComputeTiming
{
    /// <summary>Wall-clock time of the handler (Stopwatch), plus explicit <see cref="ActorContext.ChargeCompute"/>. The default.</summary>
    Measured,

    /// <summary>Only <see cref="ActorContext.ChargeCompute"/>: runs are bit-for-bit repeatable (tests, replay).</summary>
    ChargedOnly,
}
