namespace Seco.Actors.Metering;

/// <summary>
/// Counts one party's costs per phase at the transport boundary (emp's lesson: count every byte where it
/// leaves and enters). Thread-safe; cheap enough to stay on in every run.
/// </summary>
public sealed class PartyMeter
{
    public const string LocalPeer = "(local)";

    private readonly Lock _lock = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, Phase> _phases = new(StringComparer.Ordinal);

    public PartyMeter(string party, string address)
    {
        Party = party;
        Address = address;
    }

    public string Party { get; }

    public string Address { get; }

    public void Compute(string phase, long virtualNs, long measuredNs, long allocatedBytes)
    {
        lock (_lock)
        {
            Phase p = Get(phase);
            p.ComputeNs += virtualNs;
            p.MeasuredNs += measuredNs;
            p.Allocated += allocatedBytes;
        }
    }

    public void Handler(string phase)
    {
        lock (_lock) Get(phase).Handlers++;
    }

    public void Sent(string phase, string peer, long bytes, int depth) => Count(phase, peer, bytes, depth, sent: true);

    public void Received(string phase, string peer, long bytes, int depth) => Count(phase, peer, bytes, depth, sent: false);

    private void Count(string phase, string peer, long bytes, int depth, bool sent)
    {
        lock (_lock)
        {
            Phase p = Get(phase);
            if (sent) { p.MessagesSent++; p.BytesSent += bytes; }
            else { p.MessagesReceived++; p.BytesReceived += bytes; }
            p.Rounds = Math.Max(p.Rounds, depth);
            Add(sent ? p.SentTo : p.ReceivedFrom, peer, bytes);
        }
    }

    public PartyCosts Snapshot()
    {
        lock (_lock)
        {
            return new PartyCosts(Party, Address, _order.Select(name =>
            {
                Phase p = _phases[name];
                return new PhaseCosts(name, p.ComputeNs / 1e9, p.MeasuredNs / 1e9, p.Allocated, p.Handlers,
                    p.MessagesSent, p.BytesSent, p.MessagesReceived, p.BytesReceived, p.Rounds,
                    Uses(p.SentTo), Uses(p.ReceivedFrom));
            }).ToList());
        }
    }

    private static List<LinkUse> Uses(SortedDictionary<string, (long Messages, long Bytes)> d) =>
        d.Select(kv => new LinkUse(kv.Key, kv.Value.Messages, kv.Value.Bytes)).ToList();

    private static void Add(SortedDictionary<string, (long Messages, long Bytes)> d, string peer, long bytes)
    {
        d.TryGetValue(peer, out var v);
        d[peer] = (v.Messages + 1, v.Bytes + bytes);
    }

    private Phase Get(string phase)
    {
        if (!_phases.TryGetValue(phase, out Phase? p))
        {
            p = new Phase();
            _phases.Add(phase, p);
            _order.Add(phase);
        }
        return p;
    }

    private sealed class Phase
    {
        public long ComputeNs, MeasuredNs, Allocated, Handlers, MessagesSent, BytesSent, MessagesReceived, BytesReceived;
        public int Rounds;
        public readonly SortedDictionary<string, (long Messages, long Bytes)> SentTo = new(StringComparer.Ordinal);
        public readonly SortedDictionary<string, (long Messages, long Bytes)> ReceivedFrom = new(StringComparer.Ordinal);
    }
}
