using Seco.Actors.Messages;
using Seco.Actors.Runtime;

namespace Seco.Scenarios.Running;

/// <summary>
/// The user of the echo workload: runs the queries one after another, each <see cref="EchoWorkload.Rounds"/>
/// request/reply rounds with the gateway, and marks each query's begin and end (waiting and participation
/// time). Every reply's size and round are checked.
/// </summary>
internal sealed class EchoUser(ActorRef gateway, EchoWorkload workload, int queries) : Actor
{
    private int _query;
    private int _round;

    public List<string> Completed { get; } = [];

    public List<string> Failed { get; } = [];

    public static string QueryId(int query) => $"q{query}";

    protected override void PreStart(ActorContext context) => Begin(context);

    protected override void Receive(ActorContext context, object message)
    {
        if (message is not EchoReply reply)
            throw new InvalidOperationException($"the user expects echo replies, got {message.GetType().Name}");
        if (reply.Round != _round || reply.Payload.Length != workload.ReplyBytes)
            throw new InvalidDataException($"reply to round {_round} expected with {workload.ReplyBytes} bytes, got round {reply.Round} with {reply.Payload.Length}");
        if (++_round < workload.Rounds)
        {
            context.Send(gateway, new EchoRequest(_round, EchoRelay.Payload(workload.RequestBytes, _round)));
            return;
        }
        context.EndQuery(QueryId(_query));
        Completed.Add(QueryId(_query));
        Next(context);
    }

    protected override void OnSessionFailed(ActorContext context, SessionFailure failure)
    {
        Failed.Add(QueryId(_query));
        Next(context);
    }

    private void Next(ActorContext context)
    {
        if (++_query < queries)
            Begin(context);
    }

    private void Begin(ActorContext context)
    {
        _round = 0;
        context.BeginQuery(QueryId(_query));
        context.Send(gateway, new EchoRequest(0, EchoRelay.Payload(workload.RequestBytes, 0)), new SessionId((ulong)_query + 1));
    }
}

/// <summary>
/// The gateway or a tier server: forwards each request to its servers in the next tier, waits for all
/// their replies, then replies upstream; a server of the last tier replies at once.
/// </summary>
internal sealed class EchoRelay(IReadOnlyList<ActorRef> downstream, EchoWorkload workload) : Actor
{
    private readonly Dictionary<(SessionId, int), (ActorRef Upstream, int Awaiting)> _pending = [];

    public static byte[] Payload(int length, int round)
    {
        var data = new byte[length];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 31 + round);
        return data;
    }

    protected override void Receive(ActorContext context, object message)
    {
        switch (message)
        {
            case EchoRequest request:
                if (request.Payload.Length != workload.RequestBytes)
                    throw new InvalidDataException($"request of {request.Payload.Length} bytes, expected {workload.RequestBytes}");
                if (downstream.Count == 0)
                {
                    context.Reply(new EchoReply(request.Round, Payload(workload.ReplyBytes, request.Round)));
                    return;
                }
                _pending[(context.Session, request.Round)] = (context.Sender ?? throw new InvalidOperationException("echo request without sender"), downstream.Count);
                foreach (ActorRef next in downstream)
                    context.Send(next, new EchoRequest(request.Round, Payload(workload.RequestBytes, request.Round)));
                return;
            case EchoReply reply:
                if (!_pending.TryGetValue((context.Session, reply.Round), out var waiting))
                    throw new InvalidOperationException($"unexpected reply for round {reply.Round}");
                if (waiting.Awaiting > 1)
                {
                    _pending[(context.Session, reply.Round)] = waiting with { Awaiting = waiting.Awaiting - 1 };
                    return;
                }
                _pending.Remove((context.Session, reply.Round));
                context.Send(waiting.Upstream, new EchoReply(reply.Round, Payload(workload.ReplyBytes, reply.Round)));
                return;
            default:
                throw new InvalidOperationException($"an echo relay does not handle {message.GetType().Name}");
        }
    }

    protected override void OnSessionFailed(ActorContext context, SessionFailure failure)
    {
        foreach (var key in _pending.Keys.Where(k => k.Item1 == failure.Session).ToList())
            _pending.Remove(key);
    }
}
