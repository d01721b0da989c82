using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Scenarios.Secure;

/// <summary>
/// Counts what each role sends, by phase and kind, in SECO body bytes (<see cref="SecoCodecs.Encode"/>) — the measure
/// both runtimes share, without the simulator's routing header or Akka's envelopes. Wrap roles with <see cref="Wrap"/>
/// (<see cref="SecureRun.Run(PreparedScenario, Action{SecureRunProgress}?, Actors.Runtime.ComputeTiming, Func{ISecoRole, ISecoRole}, CancellationToken)"/>).
/// </summary>
public sealed class MessageTally
{
    private readonly object _gate = new();
    private readonly SortedDictionary<(Party Party, string Phase, string Kind), (long Messages, long Bytes)> _counts = [];

    public ISecoRole Wrap(ISecoRole role) => new Tallied(role, this);

    /// <summary>Per (sending party, phase, kind): messages and body bytes.</summary>
    public IReadOnlyDictionary<(Party Party, string Phase, string Kind), (long Messages, long Bytes)> Counts
    {
        get
        {
            lock (_gate) return new SortedDictionary<(Party, string, string), (long, long)>(_counts);
        }
    }

    private void Add(Party from, SecoMessage m)
    {
        var key = (from, ProtocolPhases.Name(m.Phase), SecoCodecs.For(m.GetType()).Kind);
        int size = SecoCodecs.Size(m);
        lock (_gate)
        {
            (long n, long b) = _counts.GetValueOrDefault(key);
            _counts[key] = (n + 1, b + size);
        }
    }

    private sealed class Tallied(ISecoRole inner, MessageTally tally) : ISecoRole, IUserInputs
    {
        public Party Self => inner.Self;

        public void Start(Outbox outbox) => Pass(outbox, o => inner.Start(o));

        public void Handle(Party from, SecoMessage message, Outbox outbox) => Pass(outbox, o => inner.Handle(from, message, o));

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => Pass(outbox, o => inner.Abort(query, at, reason, o, from));

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) =>
            Pass(outbox, o => inner.AbortUserQuery(user, query, at, reason, o));

        public void Submit(int query, ulong[] input, Outbox outbox) =>
            Pass(outbox, o => (inner as IUserInputs ?? throw new InvalidOperationException($"{inner.Self} takes no inputs")).Submit(query, input, o));

        private void Pass(Outbox outbox, Action<Outbox> act)
        {
            var mine = new Outbox();
            outbox.Lend(mine.Dispose); // the inner role's loans go back when the host's outbox does
            try
            {
                act(mine);
            }
            finally
            {
                foreach ((Party to, SecoMessage m) in mine.Messages)
                {
                    tally.Add(Self, m);
                    outbox.Send(to, m);
                }
                foreach (ProtocolEvent e in mine.Events) outbox.Raise(e);
            }
        }
    }
}
