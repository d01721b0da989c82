using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Wire;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Hosting;

/// <summary>
/// Signs the run-control messages a node sends (<see cref="IRunControl"/>: RunStart, RunStarted, RunStop, RunStopped)
/// with its TLS private key, and checks those it receives against the claimed sender's pinned certificate. Akka does
/// not bind a peer's claimed address (nor a message's sender) to its certificate, so without this a pinned server
/// could start, acknowledge or stop runs in another server's name. The signature covers
/// <see cref="HostMessages.SignedBytes"/>: kind, deployment, run, gateway incarnation, sender, recipient and fields —
/// so a message signed for one recipient, run or gateway incarnation counts for no other.
/// <para>
/// Without TLS (<see cref="NodeSettings.Tls"/> null: the plain-TCP plumbing tests) nothing is signed or checked.
/// RSA keys sign with PSS, ECDSA keys in IEEE P1363 form, both over SHA-256.
/// </para>
/// </summary>
internal sealed class RunControl
{
    private readonly NodeSettings _settings;
    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    public RunControl(NodeSettings settings)
    {
        _settings = settings;
        if (settings.Tls is not { } tls) return;
        try
        {
            _rsa = tls.Certificate.GetRSAPrivateKey();
            if (_rsa is null) _ecdsa = tls.Certificate.GetECDsaPrivateKey();
            if (_rsa is null && _ecdsa is null)
                KeyProblem = $"the TLS certificate of {settings.Self} has no RSA or ECDSA private key";
        }
        catch (CryptographicException e)
        {
            KeyProblem = $"the TLS private key of {settings.Self} cannot be used: {e.Message}";
        }
    }

    /// <summary>Why this node cannot sign (its run-control messages then go unsigned and are dropped); null if it can.</summary>
    public string? KeyProblem { get; }

    /// <summary><paramref name="message"/> with its seal for <paramref name="to"/>.</summary>
    /// <param name="gateway">The uid of the gateway incarnation that runs the run.</param>
    /// <param name="deployment">The run's deployment id (the one the gateway's RunStart names).</param>
    public T Sealed<T>(T message, Party to, long gateway, string deployment) where T : IRunControl
    {
        byte[] signature = [];
        if (_settings.Tls is not null)
        {
            byte[] data = HostMessages.SignedBytes(message, deployment, gateway, _settings.Self.Name, _settings.ServerOf(to).Name);
            if (_rsa is not null) signature = _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
            else if (_ecdsa is not null) signature = _ecdsa.SignData(data, HashAlgorithmName.SHA256);
        }
        var seal = new ControlSeal(gateway, signature);
        object sealedMessage = message switch
        {
            RunStart m => m with { Seal = seal },
            RunStarted m => m with { Seal = seal },
            RunStop m => m with { Seal = seal },
            RunStopped m => m with { Seal = seal },
            _ => throw new ArgumentException($"{message.GetType().Name} is not a run-control message"),
        };
        return (T)sealedMessage;
    }

    /// <summary>
    /// Null when <paramref name="message"/> is signed by its claimed sender's pinned key for this node, the run of
    /// deployment <paramref name="deployment"/> and gateway incarnation <paramref name="gateway"/>; else the problem,
    /// on one line. Never throws.
    /// </summary>
    public string? Problem(IRunControl message, long gateway, string deployment)
    {
        if (_settings.Tls is not { } tls) return null;
        if (message.From == _settings.Self.Role) return "it claims to come from this server";
        string sender = _settings.ServerOf(message.From).Name;
        if (message.Seal.Signature.Length == 0) return "it is not signed";
        if (message.Seal.Gateway != gateway)
            return $"it was signed for another incarnation of the gateway (uid {message.Seal.Gateway}; the gateway's is {gateway})";
        if (tls.Known.Of(sender) is not { } certificate)
            return $"{sender}'s certificate is not known yet (pinned by fingerprint, and not yet seen in a TLS handshake)";
        byte[] data = HostMessages.SignedBytes(message, deployment, gateway, sender, _settings.Self.Name);
        try
        {
            bool valid;
            using (RSA? rsa = certificate.GetRSAPublicKey())
            using (ECDsa? ecdsa = rsa is null ? certificate.GetECDsaPublicKey() : null)
            {
                if (rsa is not null) valid = rsa.VerifyData(data, message.Seal.Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
                else if (ecdsa is not null) valid = ecdsa.VerifyData(data, message.Seal.Signature, HashAlgorithmName.SHA256);
                else return $"{sender}'s pinned certificate has neither an RSA nor an ECDSA key";
            }
            return valid ? null : $"its signature does not verify against {sender}'s pinned certificate (forged, meant for another server, run or deployment)";
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return $"its signature could not be checked: {e.Message.ReplaceLineEndings(" ")}";
        }
    }
}

/// <summary>
/// The gateway's stops not yet acknowledged (<see cref="RunStopped"/>): each is sent again on every tick until its
/// server acknowledges it, at most <paramref name="maxSends"/> times in all; then it is given up (the next RunStart
/// replaces a phantom run on that server anyway).
/// </summary>
internal sealed class PendingStops(int maxSends)
{
    private readonly Dictionary<Party, (RunStop Stop, int Sends)> _pending = [];

    public bool Any => _pending.Count > 0;

    /// <summary><paramref name="stop"/> was sent to <paramref name="to"/> once (it replaces an older stop still pending there).</summary>
    public void Sent(Party to, RunStop stop) => _pending[to] = (stop, 1);

    /// <summary><paramref name="from"/> acknowledged the stop of <paramref name="run"/>; false if no such stop was pending.</summary>
    public bool Acknowledged(Party from, long run) =>
        _pending.TryGetValue(from, out var p) && p.Stop.Run == run && _pending.Remove(from);

    /// <summary>The stops to send again now, and those given up after <paramref name="maxSends"/> sends.</summary>
    public (List<(Party To, RunStop Stop)> Resend, List<(Party To, RunStop Stop)> GivenUp) Tick()
    {
        var resend = new List<(Party, RunStop)>();
        var givenUp = new List<(Party, RunStop)>();
        foreach ((Party to, (RunStop stop, int sends)) in _pending.ToList())
        {
            if (sends >= maxSends)
            {
                _pending.Remove(to);
                givenUp.Add((to, stop));
            }
            else
            {
                _pending[to] = (stop, sends + 1);
                resend.Add((to, stop));
            }
        }
        return (resend, givenUp);
    }
}
