using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Seco.Cluster.Security;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>
/// Issue 17: the dev certificates and <see cref="AkkaCertificateValidation"/> in Akka.Remote's own DotNetty TLS —
/// two ActorSystems on loopback, each certificate loaded from its .pfx — and what Akka 1.5.75 does when the
/// validator refuses the peer it dialled.
/// </summary>
[Collection(DevDeploymentFixture.Collection)]
public sealed class AkkaTlsTests(DevDeploymentFixture fixture) : IAsyncLifetime
{
    private readonly List<ActorSystem> _systems = [];

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }

    [Fact]
    public async Task TwoNodesAssociateOverMutualTlsWithPinnedCertificates()
    {
        ActorSystem a = Start("A", fixture.Deployment.ServerPins);
        ActorSystem b = Start("B", fixture.Deployment.ServerPins);
        a.ActorOf(Props.Create(() => new Echo()), "echo");
        object reply = await b.ActorSelection(new RootActorPath(Address(a)) / "user" / "echo").Ask<object>("hello", TimeSpan.FromSeconds(20));
        Assert.Equal("hello", reply);
    }

    [Fact]
    public async Task ANodeThatRefusesThePeerItDialledIsShutDownByAkka()
    {
        ActorSystem a = Start("A", fixture.Deployment.ServerPins);
        // B pins only itself and C: A's certificate is refused when B dials A.
        ActorSystem b = Start("B", fixture.Deployment.ServerPins.Where(p => p.Key != "A").ToDictionary());
        a.ActorOf(Props.Create(() => new Echo()), "echo");
        b.ActorSelection(new RootActorPath(Address(a)) / "user" / "echo").Tell("hello");
        // Akka.Remote 1.5.75 (TcpHandlers.UserEventTriggered) runs CoordinatedShutdown on the dialling node when its
        // outbound TLS handshake fails: a node that cannot trust a seed stops instead of retrying.
        Task stopped = await Task.WhenAny(b.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(b.WhenTerminated, stopped);
        Assert.False(a.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task ANodeRefusesAnUnpinnedPeerThatDialsItAndStaysUp()
    {
        // A does not pin B: B's certificate is refused when B dials A, and nothing reaches A's actors.
        ActorSystem a = Start("A", fixture.Deployment.ServerPins.Where(p => p.Key != "B").ToDictionary());
        ActorSystem b = Start("B", fixture.Deployment.ServerPins);
        a.ActorOf(Props.Create(() => new Echo()), "echo");
        Task<object> ask = b.ActorSelection(new RootActorPath(Address(a)) / "user" / "echo").Ask<object>("hello", TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        // Akka only logs a refused inbound handshake: a stranger cannot stop a node by dialling it.
        Assert.False(a.WhenTerminated.IsCompleted);
    }

    private ActorSystem Start(string party, IReadOnlyDictionary<string, string> pins)
    {
        // Loaded from the file as a node will load it; Akka keeps using it, so it is not disposed here.
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(fixture.Out, party + ".pfx"), "");
        Config config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = true }
            """);
        var tls = new DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: true,
            AkkaCertificateValidation.ForClusterPeers(fixture.Deployment.DeploymentCa, pins, requireHostNameMatch: true));
        ActorSystem system = ActorSystem.Create("seco", ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), tls));
        _systems.Add(system);
        return system;
    }

    private static Address Address(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Task.WhenAll(_systems.Select(s => s.Terminate()));
}
