using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using Seco.Cluster.Door;
using Seco.Cluster.Local;
using Seco.Cluster.Wire;
using Seco.Lattice.Parameters;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review18Cluster;

/// <summary>
/// Review of issue 18 (cluster): the user learns neither the depth nor the widths of the hierarchy behind A
/// (docs/hierarchy.md, "Decisions"). A reason the user's own message caused is told to the user verbatim (a query's
/// QueryAborted, the door's closing reason) — so it must not name the servers that may send that message.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "SecurityReview18Cluster")]
public sealed partial class UserRefusalReasonTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_server_only_message_from_the_user_is_refused_without_naming_the_servers()
    {
        PreparedScenario prepared = ClusterScenarios.TwoTierMlp();
        Scenario s = prepared.Scenario;
        ModelSplit split = ClusterScenarios.Deal(prepared);
        IReadOnlyDictionary<Party, string> names = LoopbackCluster.ServerNames(s.Hierarchy);
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, names, new LoopbackOptions { Log = _ => { } });

        // 1. A query message only servers send (tier t's mask shares): the query fails, the user is told why.
        string aborted;
        await using (SslStream tls = await Door(cluster))
        {
            await DoorFrames.WriteAsync(tls, EncodedSecoMessage.Of(new MaskShares(0, [])).Body, default);
            aborted = await ReasonOf(tls, m => m is QueryAborted a ? a.Reason : null);
        }
        output.WriteLine($"QueryAborted: {aborted}");

        // 2. A setup message only servers send: the run fails, the door closes with the reason.
        string closed;
        await using (SslStream tls = await Door(cluster))
        {
            await DoorFrames.WriteAsync(tls, EncodedSecoMessage.Of(new ServerReady()).Body, default);
            closed = await ReasonOf(tls, _ => null);
        }
        output.WriteLine($"door closed: {closed}");

        foreach (string reason in new[] { aborted, closed })
        {
            Assert.DoesNotMatch(Leaky(), reason);
            foreach (string name in names.Where(n => n.Key.IsServer).Select(n => n.Value)) // the gateway's name the user knows
                Assert.DoesNotMatch($@"\b{Regex.Escape(name)}\b", reason);
        }
    }

    /// <summary>Words that would tell the user about the servers behind A.</summary>
    [GeneratedRegex(@"tier|garbler|evaluator|provider|t\ds\d", RegexOptions.IgnoreCase)]
    private static partial Regex Leaky();

    private static async Task<SslStream> Door(LoopbackDeployment cluster)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", cluster.Door.Port);
        var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [cluster.User.Certificate],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
        return tls;
    }

    /// <summary>The first reason <paramref name="pick"/> finds in a SECO frame, or the door's closing reason.</summary>
    private static async Task<string> ReasonOf(Stream stream, Func<SecoMessage, string?> pick)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await DoorFrames.ReadAsync(stream, DoorFrames.DefaultMaxBytes, wait.Token) is { } frame)
        {
            string? kind = DoorFrames.KindOf(frame);
            if (kind == DoorFrames.ClosedKind) return DoorFrames.ClosedReason(frame) ?? "(closed without a reason)";
            if (SecoSerializer.Receive(frame, kind ?? "?").Message is { } m && pick(m) is { } reason) return reason;
        }
        return "(connection ended)";
    }
}
