using System.Text.Json;
using System.Text.Json.Serialization;
using Seco.Actors.Metering;
using Seco.Actors.Runtime;

namespace Seco.Actors.Simulation;

/// <summary>A party's costs together with the machine it was simulated on.</summary>
public sealed record PartyReport(string Party, string Address, double CpuSlowdown, double? NicMbps, IReadOnlyList<PhaseCosts> Phases)
{
    public double ComputeSeconds => Phases.Sum(p => p.ComputeSeconds);

    public long BytesSent => Phases.Sum(p => p.BytesSent);

    public long BytesReceived => Phases.Sum(p => p.BytesReceived);

    public long MessagesSent => Phases.Sum(p => p.MessagesSent);

    public long MessagesReceived => Phases.Sum(p => p.MessagesReceived);
}

/// <summary>Use of one direction of one link; <see cref="BusySeconds"/> is the time it spent transmitting.</summary>
public sealed record LinkReport(string From, string To, double LatencyMs, double BandwidthMbps, long Messages, long Bytes, double BusySeconds, double MaxQueuedMs);

/// <summary>
/// One phase over all parties. <see cref="Rounds"/> is the longest causal chain of messages in the phase
/// (the critical path's length in one-way messages).
/// </summary>
public sealed record PhaseSummary(string Phase, double ComputeSeconds, long Messages, long Bytes, int Rounds);

/// <summary>
/// One query as marked by the party that ran it. The paper compares the user's waiting and participation time
/// with DELPHI's (paper §VIII-C-1, Figs. 4–5); the exact definitions used here are this repository's
/// (docs/seco-run.md). Waiting time is query to result; participation time is the part of it in
/// which that party computes or has a message of its own on the wire (sending: until its last bit left;
/// receiving: from its first bit's arrival).
/// </summary>
public sealed record QueryReport(string Query, string Party, double BeginMs, double? EndMs, double? WaitingSeconds, double? ParticipationSeconds);

/// <summary>Everything a simulated run measured; JSON-serializable (<see cref="ToJson"/>).</summary>
public sealed record SimulationReport(
    string System,
    string ComputeTiming,
    double VirtualSeconds,
    long Events,
    IReadOnlyList<PartyReport> Parties,
    IReadOnlyList<PhaseSummary> Phases,
    IReadOnlyList<LinkReport> Links,
    IReadOnlyList<QueryReport> Queries,
    long FailureCount,
    IReadOnlyList<SessionFailure> Failures,
    long DeadLetterCount,
    IReadOnlyList<DeadLetter> DeadLetters,
    long RejectedFrameCount,
    IReadOnlyList<RejectedFrame> RejectedFrames,
    long MessagesDropped,
    IReadOnlyList<InjectedFailure> InjectedFailures)
{
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
