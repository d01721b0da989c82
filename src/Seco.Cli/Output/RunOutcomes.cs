using Seco.Actors.Simulation;
using Seco.Protocol.Messages;
using Seco.Scenarios;
using Seco.Scenarios.Secure;

namespace Seco.Cli.Output;

/// <summary>
/// What became of each query of a secure run, kept apart: <em>bit-exact</em>, <em>wrong</em> (finished with logits
/// that differ from the reference: a correctness failure), <em>failed</em> (aborted by a protocol violation),
/// <em>not finished</em> (stuck) or <em>interrupted</em>. Accuracy and per-query figures count finished queries only.
/// </summary>
internal sealed class RunOutcomes
{
    public const string BitExact = "bit-exact";
    public const string WrongStatus = "wrong";
    public const string Failed = "failed";
    public const string Stuck = "not finished";
    public const string InterruptedStatus = "interrupted";

    private readonly SecureRunResult _run;
    private readonly HashSet<string> _servers;

    public RunOutcomes(SecureRunResult run, Scenario scenario)
    {
        _run = run;
        _servers = [scenario.Hierarchy.Gateway, .. scenario.Hierarchy.Tiers[0].Servers];
        Stopped = [.. run.Queries.Select((q, i) => (i, StallDiagnosis.Describe(run, i))).Where(p => p.Item2 is not null).Select(p => (p.i, p.Item2!))];
        Finished = run.Queries.Count(q => q.Completed);
        Wrong = run.Queries.Count(q => q.Completed && !q.BitExact);
        NotFinished = run.Queries.Count - Finished;
    }

    public int Finished { get; }

    public int Wrong { get; }

    public int NotFinished { get; }

    /// <summary>Each query that did not finish and where it stopped (<see cref="StallDiagnosis"/>).</summary>
    public IReadOnlyList<(int Query, string Where)> Stopped { get; }

    public static string Status(SecureQueryOutcome q, bool interrupted) =>
        q.Completed ? (q.BitExact ? BitExact : WrongStatus) : q.FailureReason is not null ? Failed : interrupted ? InterruptedStatus : Stuck;

    public string? WhereStopped(int query) => Stopped.FirstOrDefault(s => s.Query == query).Where;

    public string CorrectnessLine()
    {
        int n = _run.Queries.Count;
        var labelled = _run.Queries.Where(q => q.Completed && q.Query.Label is not null).ToList();
        int correct = labelled.Count(q => q.Prediction == q.Query.Label);
        string line = Finished == 0 ? $"Bit-exact: none of {Units.Count(n, "query", "queries")} finished."
            : $"Bit-exact: {_run.Queries.Count(q => q.BitExact)}/{Finished} finished" + (NotFinished > 0 ? $" ({NotFinished} of {n} did not finish)." : ".");
        if (labelled.Count > 0)
            line += $" Accuracy over {Units.Count(labelled.Count, "finished labelled query", "finished labelled queries")}: {(double)correct / labelled.Count:0.000} ({correct}/{labelled.Count}).";
        return line;
    }

    public int Correct => _run.Queries.Count(q => q.Completed && q.Query.Label is not null && q.Prediction == q.Query.Label);

    /// <summary>The last line of the run: all good, or what went wrong, worst first.</summary>
    public string Summary()
    {
        int n = _run.Queries.Count;
        if (Wrong > 0)
            return $"[bold red]{Wrong} of {Units.Count(n, "query", "queries")} finished with a WRONG result[/] (logits differ from the plaintext reference; see the table and report.json).";
        if (NotFinished > 0)
            return $"[bold red]{NotFinished} of {Units.Count(n, "query", "queries")} did not finish[/]" + (_run.Interrupted ? " (interrupted)" : "") +
                   $"; the {Units.Count(Finished, "one", "ones")} that finished {(Finished == 1 ? "is" : "are")} bit-exact.";
        if (_run.Report.FailureCount > 0)
            return "[bold red]Every query is bit-exact, but a session failed[/] (see above and report.json).";
        return $"All {Units.Count(n, "query", "queries")} finished bit-exact.";
    }

    public static bool IsOnline(string phase) => phase == ProtocolPhases.Name(ProtocolPhase.Online) || phase == ProtocolPhases.Name(ProtocolPhase.Output);

    /// <summary>Online bytes among A, B and C (paper Table II's measure), all queries.</summary>
    public long InterServerOnlineBytes() =>
        _run.Simulator.Messages.Where(m => !m.Dropped && IsInterServerOnline(m)).Sum(m => m.Bytes);

    /// <summary>The same for one query (its own session).</summary>
    public long InterServerOnlineBytes(int query)
    {
        var session = _run.ServerSessionOf(query);
        return _run.Simulator.Messages.Where(m => !m.Dropped && m.Session == session && IsInterServerOnline(m)).Sum(m => m.Bytes);
    }

    public string InterServerLine()
    {
        long total = InterServerOnlineBytes();
        var finished = Enumerable.Range(0, _run.Queries.Count).Where(i => _run.Queries[i].Completed).ToList();
        string per = finished.Count == 0 ? "no query finished"
            : $"{Units.Bytes((long)finished.Average(InterServerOnlineBytes))} per finished query";
        return $"Online inter-server traffic (A, B, C among themselves; paper Table II's measure): {Units.Bytes(total)} in total, {per}.";
    }

    private bool IsInterServerOnline(MessageRecord m) => IsOnline(m.Phase) && _servers.Contains(m.From) && _servers.Contains(m.To);
}
