namespace Seco.Scenarios;

/// <summary>
/// What the parties run (docs/scenarios.md, "workload"): <see cref="InferenceWorkload"/> (the
/// default: secure inference of the scenario's model) or <see cref="EchoWorkload"/> (plain
/// request/reply traffic, no model and no cryptography, to exercise the actor runtime and the
/// network simulator).
/// </summary>
public abstract record WorkloadSpec
{
    /// <summary>The workload's name as written in a scenario file: "inference" or "echo".</summary>
    public abstract string Name { get; }

    /// <summary>The names a scenario file may use, in documentation order.</summary>
    public static IReadOnlyList<string> Names { get; } = [InferenceWorkload.WorkloadName, EchoWorkload.WorkloadName];
}

/// <summary>
/// Secure inference of <see cref="Scenario.Model"/>, split at <see cref="Scenario.Split"/>: the
/// workload of a file without a <c>workload</c> key.
/// </summary>
public sealed record InferenceWorkload : WorkloadSpec
{
    public const string WorkloadName = "inference";

    private InferenceWorkload() { }

    public static InferenceWorkload Instance { get; } = new();

    public override string Name => WorkloadName;
}

/// <summary>
/// A non-cryptographic workload: per query, <see cref="Rounds"/> rounds in which the user sends
/// <see cref="RequestBytes"/> of payload and each reply carries <see cref="ReplyBytes"/>. It
/// measures what the actor runtime and the simulated network cost on their own.
/// </summary>
public sealed record EchoWorkload(int RequestBytes, int ReplyBytes, int Rounds) : WorkloadSpec
{
    public const string WorkloadName = "echo";

    public const int DefaultRequestBytes = 1024;

    /// <summary>256 MiB: the largest request or reply payload.</summary>
    public const int MaxBytes = 256 * 1024 * 1024;

    public const int DefaultRounds = 1;
    public const int MaxRounds = 1000;

    /// <summary>1024-byte requests and replies, one round: what <c>workload: echo</c> means.</summary>
    public static EchoWorkload Default { get; } = new(DefaultRequestBytes, DefaultRequestBytes, DefaultRounds);

    /// <summary>Payload bytes the user sends per round, 0..<see cref="MaxBytes"/>.</summary>
    public int RequestBytes { get; } = CheckBytes(RequestBytes, nameof(RequestBytes));

    /// <summary>Payload bytes of each reply, 0..<see cref="MaxBytes"/>.</summary>
    public int ReplyBytes { get; } = CheckBytes(ReplyBytes, nameof(ReplyBytes));

    /// <summary>Request/reply rounds per query, 1..<see cref="MaxRounds"/>.</summary>
    public int Rounds { get; } = Rounds is >= 1 and <= MaxRounds
        ? Rounds
        : throw new ArgumentOutOfRangeException(nameof(Rounds), Rounds, $"rounds must be between 1 and {MaxRounds}");

    public override string Name => WorkloadName;

    private static int CheckBytes(int bytes, string name) => bytes is >= 0 and <= MaxBytes
        ? bytes
        : throw new ArgumentOutOfRangeException(name, bytes, $"payload size must be between 0 and {MaxBytes} bytes");
}
