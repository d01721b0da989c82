namespace Seco.Cli;

/// <summary>The `seco` exit codes; <see cref="Help"/> is printed by `seco --help` and `seco run --help`, and the README lists them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A problem with what the user gave: options, scenario, model or image files. Nothing ran.</summary>
    public const int UserError = 1;

    /// <summary>A bug, or a machine that cannot run the protocol safely (no AES-NI).</summary>
    public const int InternalError = 2;

    /// <summary>A query finished with a result that differs from the plaintext reference: a correctness failure.</summary>
    public const int WrongResult = 3;

    /// <summary>Every query that finished is correct, but some did not finish (failed or stuck; the report says where).</summary>
    public const int NotFinished = 4;

    /// <summary>`seco node`: the cluster removed this node (downed by the others' split-brain resolver); restart it to rejoin.</summary>
    public const int Downed = 5;

    /// <summary>Interrupted (Ctrl-C / SIGINT): what finished was reported and written to a partial report.json.</summary>
    public const int Interrupted = 130;

    /// <summary>A simulated run's code: a wrong result is worst (a correctness failure), then an interruption, then queries that did not finish.</summary>
    public static int ForRun(int wrong, bool interrupted, int notFinished, long sessionFailures) =>
        wrong > 0 ? WrongResult : interrupted ? Interrupted : notFinished > 0 || sessionFailures > 0 ? NotFinished : Ok;

    /// <summary>
    /// A sweep's code: like a run's, over its points — a wrong result first, then an interruption, then a point that
    /// threw (an internal error: its row says why), then a point whose queries did not all finish.
    /// </summary>
    public static int ForSweep(bool wrong, bool interrupted, bool error, bool notFinished) =>
        wrong ? WrongResult : interrupted ? Interrupted : error ? InternalError : notFinished ? NotFinished : Ok;

    public const string SweepHelp =
        "Exit codes: 0 every point finished bit-exact; 1 bad input (the sweep file, its base scenario or a point is invalid; " +
        "nothing ran); 2 internal error, or a point failed with an error (its row in results.csv says why); 3 a point's " +
        "query differs from the plaintext reference; 4 a point's query did not finish; 130 interrupted (results.csv holds the points done).";

    public const string Help =
        "Exit codes: 0 success; 1 bad input (options, scenario, model or image files; nothing ran); 2 internal error or " +
        "unsuitable machine; 3 a query's result differs from the plaintext reference; 4 a query did not finish (every " +
        "finished one is correct); 5 (seco node) the cluster downed this node; 130 interrupted (a partial report.json is written).";
}
