using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Seco.MessagePack;

namespace Seco.Bench;

/// <summary>
/// IKNP extension of m = 2^20 OTs with the two parties as two threads over a loopback TCP connection — the setting of
/// emp-ot's benchmarks and of bench/anchors/ot_bench.cpp, so the two can be compared like for like (issue 19;
/// <see cref="OtBenchmarks"/> runs both parties in one thread with no socket). The benchmark thread is the receiver,
/// a background thread the sender; an operation ends when the receiver holds its outputs (chosen-message) or the
/// sender has acknowledged (random correlated, whose outputs need no reply). Base OTs are set up once, untimed.
/// Pin with <c>--affinity 2</c> (both threads on one core) or <c>--affinity 3</c> (two cores).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class OtSocketBenchmarks
{
    private const byte Chosen = 1, RandomCorrelated = 2, Stop = 3;

    private OtLoopback _ot = null!;
    private byte[] _choices = [];
    private Block[] _x0 = [], _x1 = [], _senderOut = [], _receiverOut = [];
    private TcpListener _listener = null!;
    private NetworkStream _receiverSide = null!;
    private Thread _sender = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = Prg.ForTests(42);
        _ot = OtLoopback.Create();
        _choices = new byte[OtBenchmarks.M / 8];
        rng.FillBytes(_choices);
        _x0 = new Block[OtBenchmarks.M];
        _x1 = new Block[OtBenchmarks.M];
        rng.Fill(_x0);
        rng.Fill(_x1);
        _senderOut = new Block[OtBenchmarks.M];
        _receiverOut = new Block[OtBenchmarks.M];

        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var client = new TcpClient { NoDelay = true };
        client.Connect(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        TcpClient server = _listener.AcceptTcpClient();
        server.NoDelay = true;
        _receiverSide = client.GetStream();
        NetworkStream senderSide = server.GetStream();
        _sender = new Thread(() => ServeSender(senderSide)) { IsBackground = true, Name = "IKNP sender" };
        _sender.Start();

        // The chosen-message outputs must be the chosen messages: otherwise the benchmark times a broken protocol.
        IknpChosen();
        for (int k = 0; k < OtBenchmarks.M; k += 4099)
        {
            bool c = ((_choices[k >> 3] >> (k & 7)) & 1) != 0;
            if (_receiverOut[k] != (c ? _x1[k] : _x0[k])) throw new InvalidOperationException($"OT {k}: the receiver did not get its chosen message");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _receiverSide.Write([Stop]);
        _sender.Join();
        _receiverSide.Dispose();
        _listener.Stop();
    }

    [Benchmark(OperationsPerInvoke = OtBenchmarks.M)]
    public void IknpChosen()
    {
        // Messages in pooled arrays on both sides, as the protocol's OT messages are (issue 19) and as emp's buffers.
        SendAndGiveBack(_receiverSide, Chosen, _ot.Receiver.ExtendChosen(_choices, OtBenchmarks.M, Pool.Rent));
        byte[] reply = Receive(_receiverSide);
        _ot.Receiver.ReceiveChosen(reply, _receiverOut);
        Pool.Return(reply);
    }

    [Benchmark(OperationsPerInvoke = OtBenchmarks.M)]
    public void IknpRandomCorrelated()
    {
        SendAndGiveBack(_receiverSide, RandomCorrelated, _ot.Receiver.ExtendRandomCorrelated(_choices, OtBenchmarks.M, _receiverOut, Pool.Rent));
        Pool.Return(Receive(_receiverSide));
    }

    private void ServeSender(NetworkStream stream)
    {
        var kind = new byte[1];
        while (true)
        {
            stream.ReadExactly(kind);
            if (kind[0] == Stop) return;
            byte[] message = ReadBody(stream);
            if (kind[0] == Chosen) SendAndGiveBack(stream, Chosen, _ot.Sender.SendChosen(message, _x0, _x1, Pool.Rent));
            else
            {
                _ot.Sender.ReceiveRandomCorrelated(message, _senderOut);
                Send(stream, RandomCorrelated, []);
            }
            Pool.Return(message);
        }
    }

    private static void Send(NetworkStream stream, byte kind, byte[] body)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], body.Length);
        stream.Write(header);
        stream.Write(body);
    }

    private static ExactArrayPool Pool => ExactArrayPool.Shared;

    private static void SendAndGiveBack(NetworkStream stream, byte kind, byte[] body)
    {
        Send(stream, kind, body);
        Pool.Return(body);
    }

    private static byte[] Receive(NetworkStream stream)
    {
        var kind = new byte[1];
        stream.ReadExactly(kind);
        return ReadBody(stream);
    }

    private static byte[] ReadBody(NetworkStream stream)
    {
        Span<byte> length = stackalloc byte[4];
        stream.ReadExactly(length);
        var body = Pool.Rent(BinaryPrimitives.ReadInt32LittleEndian(length));
        stream.ReadExactly(body);
        return body;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn());
    }
}
