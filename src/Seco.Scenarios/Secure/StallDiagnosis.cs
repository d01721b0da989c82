using System.Globalization;
using Seco.Actors.Messages;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Secure;

/// <summary>
/// Where a query that did not finish stopped, told from the simulator's record of messages (the runtime knows no
/// protocol, the roles no network): the phase its last message belonged to and who was waiting for what —
/// "stuck in fbc-prep: A waiting for LinearShares from B (lost: party B stopped)". A query that failed says where
/// and why instead.
/// </summary>
public static class StallDiagnosis
{
    /// <summary>One line for query <paramref name="query"/>; null if it finished.</summary>
    public static string? Describe(SecureRunResult run, int query)
    {
        ArgumentNullException.ThrowIfNull(run);
        SecureQueryOutcome outcome = run.Queries[query];
        if (outcome.Completed) return null;
        // The query's traffic with its user and among the servers (the server query A gave it) are two sessions.
        SessionId[] sessions = [run.UserSessionOf(query), run.ServerSessionOf(query)];
        if (outcome.FailureReason is { } reason)
        {
            var failure = run.Report.Failures.Where(f => sessions.Contains(f.Session) && !f.Remote).MinBy(f => f.AtNs);
            return failure is null
                ? $"failed: {reason}"
                : $"failed in {failure.Phase} at {failure.Party} ({Ms(failure.AtNs)}): {reason}";
        }
        string verb = run.Interrupted ? "interrupted" : "stuck";
        return Where(run, query, sessions, verb) + Injected(run);
    }

    private static string Where(SecureRunResult run, int query, SessionId[] sessions, string verb)
    {
        MessageRecord? last = LastOf(run.Simulator.Messages, sessions);
        if (last is null)
        {
            if (run.Queries.Where((q, i) => i < query).Any(q => !q.Completed && q.FailureReason is null))
                return $"{verb} before it began: queries run one after another, and an earlier one did not finish";
            MessageRecord? setup = LastOf(run.Simulator.Messages, [RoleActor.SetupSession, RoleActor.UserSessionOf(0, null)]);
            return setup is null
                ? $"{verb} before it began: no message was sent"
                : $"{verb} before it began: setup did not finish; {Waiting(setup)}";
        }
        return $"{verb} in {last.Phase}: {Waiting(last)}";
    }

    /// <summary>The failures the scenario injected, which are usually why a query is stuck.</summary>
    private static string Injected(SecureRunResult run) => run.Report.InjectedFailures.Count == 0 ? ""
        : "; injected: " + string.Join(", ", run.Report.InjectedFailures.Select(f => $"{f.What} at {Ms(f.AtNs)}"));

    private static MessageRecord? LastOf(IReadOnlyList<MessageRecord> messages, SessionId[] sessions)
    {
        MessageRecord? last = null;
        foreach (MessageRecord m in messages)
            if (sessions.Contains(m.Session) && (last is null || m.SentNs >= last.SentNs)) last = m;
        return last;
    }

    private static string Waiting(MessageRecord m) => m.DropReason switch
    {
        null => $"{m.To} received {m.Kind} from {m.From} at {Ms(m.ArrivedNs)} and nothing followed",
        var lost when lost == $"party {m.To} stopped" => $"{m.From} sent {m.Kind} to {m.To}, which had stopped (lost at {Ms(m.ArrivedNs)})",
        var lost => $"{m.To} waiting for {m.Kind} from {m.From} (lost at {Ms(m.ArrivedNs)}: {lost})",
    };

    private static string Ms(long ns) => (ns / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
