using System.Text.Json;
using Seco.Actors.Runtime;

namespace Seco.Actors.Simulation;

/// <summary>
/// Writes a simulated run as Chrome Trace Event JSON (opens in Perfetto or chrome://tracing): one process
/// per party; on it a "cpu" track of handler spans, a "queries" track, and one track per outgoing link
/// with each message from send to arrival; flow arrows join a send to the handler that received it.
/// Timestamps are virtual microseconds. With <see cref="ComputeTiming.ChargedOnly"/> two runs give the same bytes.
/// </summary>
public static class ChromeTrace
{
    private const int QueriesTid = 1, CpuTid = 2, FirstLinkTid = 10;

    public static void Write(Simulator sim, Stream output)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(output);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        var parties = sim.Parties.Select(p => p.Party).ToList();
        var pid = parties.Select((name, i) => (name, i + 1)).ToDictionary(x => x.name, x => x.Item2, StringComparer.Ordinal);
        var linkTid = new Dictionary<(string, string), int>();
        foreach (var group in sim.Messages.Select(m => (m.From, m.To)).Distinct().GroupBy(l => l.From))
        {
            int tid = FirstLinkTid;
            foreach (var link in group.OrderBy(l => l.To, StringComparer.Ordinal))
                linkTid[link] = tid++;
        }

        w.WriteStartObject();
        w.WriteString("displayTimeUnit", "ms");
        w.WriteStartObject("otherData");
        w.WriteString("generator", "Seco.Actors simulator");
        w.WriteString("clock", "virtual");
        w.WriteString("compute_timing", sim.Options.ComputeTiming.ToString());
        w.WriteEndObject();
        w.WriteStartArray("traceEvents");

        foreach (string party in parties)
        {
            Meta(w, "process_name", pid[party], 0, party);
            Meta(w, "process_sort_index", pid[party], 0, null, pid[party]);
            Meta(w, "thread_name", pid[party], QueriesTid, "queries");
            Meta(w, "thread_name", pid[party], CpuTid, "cpu");
        }
        foreach (var ((from, to), tid) in linkTid.OrderBy(kv => kv.Value).ThenBy(kv => kv.Key.Item1, StringComparer.Ordinal))
            Meta(w, "thread_name", pid[from], tid, $"link → {to}");

        bool measured = sim.Options.ComputeTiming == ComputeTiming.Measured;
        var handledAt = new Dictionary<long, HandlerSpan>();
        foreach (HandlerSpan s in sim.Spans)
        {
            if (s.MessageId > 0) handledAt.TryAdd(s.MessageId, s);
            w.WriteStartObject();
            w.WriteString("ph", "X");
            w.WriteString("cat", "compute");
            w.WriteString("name", s.Kind);
            w.WriteNumber("pid", pid[s.Party]);
            w.WriteNumber("tid", CpuTid);
            w.WriteNumber("ts", Us(s.StartNs));
            w.WriteNumber("dur", Us(s.DurationNs));
            w.WriteStartObject("args");
            w.WriteString("actor", s.Actor);
            w.WriteNumber("session", s.Session.Value);
            w.WriteString("phase", s.Phase);
            // A measurement, like measured time: only in measured runs, so that a charged-only trace is reproducible.
            if (measured) w.WriteNumber("allocated_bytes", s.AllocatedBytes);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        foreach (MessageRecord m in sim.Messages)
        {
            long end = m.Dropped ? Math.Max(m.TransmitEndNs, m.SentNs) : m.ArrivedNs;
            w.WriteStartObject();
            w.WriteString("ph", "X");
            w.WriteString("cat", "message");
            w.WriteString("name", m.Kind);
            w.WriteNumber("pid", pid[m.From]);
            w.WriteNumber("tid", linkTid[(m.From, m.To)]);
            w.WriteNumber("ts", Us(m.SentNs));
            w.WriteNumber("dur", Us(end - m.SentNs));
            w.WriteStartObject("args");
            w.WriteString("to", m.To);
            w.WriteNumber("bytes", m.Bytes);
            w.WriteNumber("session", m.Session.Value);
            w.WriteString("phase", m.Phase);
            w.WriteNumber("queued_us", Us(m.QueuedNs));
            w.WriteNumber("round", m.Depth);
            if (m.DropReason is { } reason) w.WriteString("dropped", reason);
            w.WriteEndObject();
            w.WriteEndObject();
            if (!m.Dropped && handledAt.TryGetValue(m.Id, out HandlerSpan? h))
            {
                Flow(w, "s", m, pid[m.From], m.SentNs);
                Flow(w, "f", m, pid[h.Party], h.StartNs);
            }
        }

        foreach (QueryReport q in sim.Report().Queries)
        {
            w.WriteStartObject();
            w.WriteString("ph", "X");
            w.WriteString("cat", "query");
            w.WriteString("name", $"query {q.Query}");
            w.WriteNumber("pid", pid[q.Party]);
            w.WriteNumber("tid", QueriesTid);
            w.WriteNumber("ts", q.BeginMs * 1000);
            w.WriteNumber("dur", ((q.EndMs ?? sim.NowNs / 1e6) - q.BeginMs) * 1000);
            w.WriteStartObject("args");
            if (q.ParticipationSeconds is { } part) w.WriteNumber("participation_s", part);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        foreach (SessionFailure f in sim.Parties.SelectMany(p => p.Failures))
            Instant(w, pid[f.Party], CpuTid, f.AtNs, $"session {f.Session} failed", f.Error);
        foreach (InjectedFailure f in sim.InjectedFailures)
            Instant(w, pid[parties[0]], QueriesTid, f.AtNs, "injected failure", f.What, global: true);

        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static void WriteFile(Simulator sim, string path)
    {
        using FileStream f = File.Create(path);
        Write(sim, f);
    }

    private static double Us(long ns) => ns / 1000.0;

    private static void Meta(Utf8JsonWriter w, string name, int pid, int tid, string? value, int? sortIndex = null)
    {
        w.WriteStartObject();
        w.WriteString("ph", "M");
        w.WriteString("name", name);
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        if (value is not null) w.WriteString("name", value);
        if (sortIndex is { } i) w.WriteNumber("sort_index", i);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Flow(Utf8JsonWriter w, string ph, MessageRecord m, int pid, long ns)
    {
        w.WriteStartObject();
        w.WriteString("ph", ph);
        w.WriteString("cat", "message");
        w.WriteString("name", m.Kind);
        w.WriteNumber("id", m.Id);
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", CpuTid);
        w.WriteNumber("ts", Us(ns));
        if (ph == "f") w.WriteString("bp", "e");
        w.WriteEndObject();
    }

    private static void Instant(Utf8JsonWriter w, int pid, int tid, long ns, string name, string detail, bool global = false)
    {
        w.WriteStartObject();
        w.WriteString("ph", "i");
        w.WriteString("s", global ? "g" : "t");
        w.WriteString("name", name);
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteNumber("ts", Us(ns));
        w.WriteStartObject("args");
        w.WriteString("detail", detail);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
