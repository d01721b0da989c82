using Seco.Protocol.Messages;

namespace Seco.Scenarios.Sweeps;

/// <summary>The unit of a measure: it picks the chart axis's units and how results.csv writes the value.</summary>
public enum MeasureKind
{
    Seconds,
    Bytes,
    Count,

    /// <summary>Per second (a throughput).</summary>
    Rate,
}

/// <summary>One measured column of results.csv.</summary>
public sealed record Measure(string Name, MeasureKind Kind, string Description);

/// <summary>
/// Every measure results.csv has (docs/sweeps.md): what the simulation report of a secure run really holds,
/// summed or averaged, and nothing else. A point's own columns come first, then, for each party that appears in
/// any point, the <see cref="PartyMeasures"/> as <c>&lt;party&gt;.&lt;measure&gt;</c>.
/// </summary>
public static class SweepMeasures
{
    public const string TotalBytesSent = "bytes_sent.total";
    public const string UserWaiting = "user.waiting_s";
    public const string MeasuredAt = "measured_at";

    /// <summary>The protocol's phases in protocol order; offline = setup and both preprocessings, online = online and output.</summary>
    public static IReadOnlyList<ProtocolPhase> Phases { get; } = Enum.GetValues<ProtocolPhase>();

    public static bool IsOnline(string phase) => !Phases.Any(p => ProtocolPhases.Name(p) == phase && ProtocolPhases.IsOffline(p));

    public static IReadOnlyList<Measure> PointMeasures { get; } =
    [
        new(MeasuredAt, MeasureKind.Count, "the point whose run this row reports: its own number, or an earlier point's when both run the same (a DELPHI point beside another split)"),
        new("queries_finished", MeasureKind.Count, "queries that produced a result"),
        new("queries_bit_exact", MeasureKind.Count, "queries whose logits equal the plaintext fixed-point reference's"),
        new("wall_s", MeasureKind.Seconds, "wall-clock time this machine took to simulate the point"),
        new("virtual_s", MeasureKind.Seconds, "virtual time of the simulated run, start to last event"),
        new("compute_s.total", MeasureKind.Seconds, "virtual compute of all parties, all phases"),
        new(TotalBytesSent, MeasureKind.Bytes, "bytes sent by all parties, all phases (each message once)"),
        new("messages.total", MeasureKind.Count, "messages sent by all parties, all phases"),
        new("offline.compute_s", MeasureKind.Seconds, "virtual compute of all parties in setup, fbc-prep and user-prep"),
        new("offline.bytes_sent", MeasureKind.Bytes, "bytes sent by all parties in setup, fbc-prep and user-prep"),
        new("online.compute_s", MeasureKind.Seconds, "virtual compute of all parties in online and output"),
        new("online.bytes_sent", MeasureKind.Bytes, "bytes sent by all parties in online and output"),
        new("setup_s", MeasureKind.Seconds, "virtual time from the start to the end of the first setup (the user's first preprocessing begins; paper Table IV)"),
        new("setup.bytes_sent", MeasureKind.Bytes, "bytes sent by all parties in setup (paper Table V counts setup with F_BC's preparation: add fbc_prep.bytes_sent)"),
        new("fbc_prep.bytes_sent", MeasureKind.Bytes, "bytes sent by all parties in fbc-prep, every query"),
        new("setup_and_prep_s", MeasureKind.Seconds, "virtual time from the start until the first query goes online: setup and its preprocessing (paper Table IV's setup covers both)"),
        new("fbc_ready_s", MeasureKind.Seconds, "virtual time from the start until the servers finish the first query's F_BC preparation (setup and fbc-prep without the user's preprocessing: paper Table IV)"),
        new("offline.inter_server_bytes", MeasureKind.Bytes, "bytes the gateway and remote servers send each other in setup and fbc-prep, every query (paper Table V)"),
        new("online.inter_server_bytes", MeasureKind.Bytes, "bytes the gateway and remote servers send each other in online and output (paper Table II)"),
        new("online.inter_server_bytes_per_query", MeasureKind.Bytes, "online.inter_server_bytes over the queries that finished (paper Table II's comm column)"),
        .. Phases.Select(p => new Measure($"rounds.{ProtocolPhases.Name(p)}", MeasureKind.Count,
            $"longest causal chain of messages in {ProtocolPhases.Name(p)}, within one query's session (one-way messages)")),
        new(UserWaiting, MeasureKind.Seconds, "the user's waiting time online (masked input to result), mean over finished queries"),
        new("user.participation_s", MeasureKind.Seconds, "the part of the user's online waiting in which it computes or has a message on the wire, mean"),
        new("user.prep_waiting_s", MeasureKind.Seconds, "the user's preprocessing time (first preprocessing message to masked input), mean"),
        new("user.prep_participation_s", MeasureKind.Seconds, "the part of the user's preprocessing in which it computes or has a message on the wire, mean"),
        // Under a load (issue 22; LoadReport): a query's latency runs from its arrival to its prediction.
        new("load.throughput_per_s", MeasureKind.Rate, "finished queries per second, from the first arrival to the last query's end"),
        .. new[] { ("latency", "a query's arrival to its prediction"), ("queue", "waiting for its user's previous query to end"),
                ("preparation", "from when its user could begin it until it went online"), ("online", "masked input to prediction") }
            .SelectMany(m => new[] { "mean", "p50", "p95", "p99" }.Select(p => new Measure($"load.{m.Item1}_{p}_s", MeasureKind.Seconds, $"{p} over finished queries of {m.Item2}"))),
        new("load.gateway_utilisation", MeasureKind.Rate, "the gateway's compute over the load's window (1 = one core always busy)"),
        new("load.ready_at_arrival", MeasureKind.Count, "finished queries prepared end to end (user and servers) before their input arrived"),
        new("load.waited_for_preparation", MeasureKind.Count, "finished queries whose input arrived before their preparation was done"),
        new("load.pool_occupancy_at_arrival", MeasureKind.Rate, "prepared queries not yet online, every user together, mean at the arrivals"),
    ];

    /// <summary>Measured per party; the column is <c>&lt;party&gt;.&lt;name&gt;</c>.</summary>
    public static IReadOnlyList<Measure> PartyMeasures { get; } =
    [
        new("compute_s", MeasureKind.Seconds, "virtual compute (measured × CPU slowdown), all phases"),
        new("offline_compute_s", MeasureKind.Seconds, "virtual compute in setup, fbc-prep and user-prep"),
        new("online_compute_s", MeasureKind.Seconds, "virtual compute in online and output"),
        new("bytes_sent", MeasureKind.Bytes, "bytes sent, all phases"),
        new("bytes_received", MeasureKind.Bytes, "bytes received, all phases"),
        new("prep_bytes", MeasureKind.Bytes, "bytes sent and received in fbc-prep and user-prep, every query (the user's: its preprocessing communication, paper Fig. 5)"),
        new("prep_compute_s", MeasureKind.Seconds, "virtual compute in fbc-prep and user-prep, every query"),
        new("online_bytes", MeasureKind.Bytes, "bytes sent and received in online and output (the user's: its online communication, paper Fig. 5)"),
        new("online_bytes_sent", MeasureKind.Bytes, "bytes sent in online and output"),
        new("online_bytes_received", MeasureKind.Bytes, "bytes received in online and output"),
        new("messages_sent", MeasureKind.Count, "messages sent, all phases"),
        new("messages_received", MeasureKind.Count, "messages received, all phases"),
        new("alloc_bytes", MeasureKind.Bytes, "bytes allocated by its handlers (GC allocations, not peak memory)"),
    ];

    /// <summary>
    /// The measure a results.csv column holds: a point measure, or a party measure after a party name. Whether the
    /// party takes part in the sweep is the plan's business (<see cref="SweepPlan"/>).
    /// </summary>
    public static Measure? Find(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (PointMeasures.FirstOrDefault(m => m.Name == column) is { } point)
            return point;
        int dot = column.IndexOf('.');
        if (dot <= 0 || !(PartyName.IsValid(column[..dot]) || column[..dot] == PartyName.User))
            return null;
        string suffix = column[(dot + 1)..];
        return PartyMeasures.FirstOrDefault(m => m.Name == suffix) is { } party ? party with { Name = column } : null;
    }

    /// <summary>The party a per-party column names (<c>B.bytes_sent</c> → B), or null for a point measure.</summary>
    public static string? PartyOf(string column) =>
        PointMeasures.Any(m => m.Name == column) || column.IndexOf('.') is <= 0 ? null : column[..column.IndexOf('.')];

    /// <summary>Every name a chart may ask for, for spelling hints: the point measures and the party measures after "&lt;party&gt;.".</summary>
    public static IReadOnlyList<string> Names { get; } = [.. PointMeasures.Select(m => m.Name), .. PartyMeasures.Select(m => $"<party>.{m.Name}")];
}
